"""Safeguarding workflows: missing-episode triggers, CAWN support, chronology, CSE matrix, briefing.

Every output is a prompt for a professional, with its evidence; nothing here decides anything.
"""
