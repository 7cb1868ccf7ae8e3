enum DealServerPlaceholder {}
