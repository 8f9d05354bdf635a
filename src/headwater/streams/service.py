OPERATIONS: dict = {}
