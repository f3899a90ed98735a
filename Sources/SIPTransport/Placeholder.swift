enum SIPTransportPlaceholder {}
