enum DealStorePlaceholder {}
