// Unit and integration tests of the Export target (issue 8).
