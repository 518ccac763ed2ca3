"""Communes as the API shows them."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CommunePublic(BaseModel):
    code: str = Field(description="Code INSEE (5 caractères, 2A/2B en Corse)", examples=["35238"])
    nom: str = Field(examples=["Rennes"])
    codes_postaux: list[str] = Field(examples=[["35000", "35200", "35700"]])
    departement: str = Field(description="Code du département", examples=["35"])
    departement_nom: str | None = Field(examples=["Ille-et-Vilaine"])
    epci: str | None = Field(description="SIREN de l'intercommunalité (EPCI)", examples=["243500139"])
    epci_nom: str | None = Field(examples=["Rennes Métropole"])
