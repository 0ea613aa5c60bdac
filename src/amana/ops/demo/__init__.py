"""The demo operation: `spec` reads the shipped `agencies.yaml` (also the seed's agencies),
`loader` loads it through the actions, with about 200 cases for the demo staff."""
