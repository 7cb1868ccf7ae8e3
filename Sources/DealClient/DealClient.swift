enum DealClientPlaceholder {}
