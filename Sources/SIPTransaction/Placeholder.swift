enum SIPTransactionPlaceholder {}
