// The Ledger target: see docs/ledger-format.md.
enum LedgerModule {}
