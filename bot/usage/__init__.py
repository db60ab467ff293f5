"""What was asked and how it went: the usage store, question grouping, the operators' report."""
