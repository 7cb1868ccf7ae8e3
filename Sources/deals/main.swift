print("deals: not implemented yet")
