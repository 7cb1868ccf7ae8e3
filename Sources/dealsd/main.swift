print("dealsd: not implemented yet")
