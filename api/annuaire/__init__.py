"""The directory: partner organisations, their users and their machine clients (tables).

The ground floor that sign-in (api/auth/) reads; their administration (routes, rules)
is api/organisations/, one floor above auth (tests/projet/test_architecture.py)."""
