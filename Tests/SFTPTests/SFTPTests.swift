// Unit tests and real-sshd integration tests of the SFTP target (issue 8).
