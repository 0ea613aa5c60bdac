"""The fast path of `amana check --batch`: the same decisions as `engine.evaluate`, remembered.

It depends on the engine, the catalogue and the rules, and none of them imports it:

- `tables`: per protocol, the findings of rules 1.x per (period, parties, area) and of the other
  rules per `inputs.RuleInputs.key` (every fact those rules read), bounded;
- `inputs`: that key; `canon`: memo keys made of shared copies of their texts;
- `elements`: rule 4.0's element split, kept per element met;
- `batch`: a `Decider` that writes a decision's JSON line from those memos;
- `wire`: the batch's JSON lines in and out, and the floor the bench measures against.

ADR 0005 explains why it exists and what it may and may not assume.
"""
