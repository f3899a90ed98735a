// Unit tests of the Rating target (issue 5).
