// Unit and integration tests of the MQAL target (issue 6).
