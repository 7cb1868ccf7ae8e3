enum DealCommandLinePlaceholder {}
