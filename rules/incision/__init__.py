"""Incision and drainage (IND): 10060/10061, simple or single versus complicated or multiple."""
