enum SIPCorePlaceholder {}
