"""Joint campaigns across departments (联合抽查, 进一次门、查多项事)."""
