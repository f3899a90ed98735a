// SFTP v3 client (draft-ietf-secsh-filexfer-02) over swift-nio-ssh (issue 8).
