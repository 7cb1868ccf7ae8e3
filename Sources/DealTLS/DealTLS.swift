enum DealTLSPlaceholder {}
