enum DealProtocolPlaceholder {}
