"""Ancrage : l'API de l'accompagnement social lié au logement."""
