// MQAL: the StreamBackend protocol, LocalBackend, JetStreamBackend and the durable-record publishers (issue 6).
