"""Nail procedures (NAI): debridement 11720/11721 by the nails of the session, avulsion 11730 + 11732 per nail plate."""
