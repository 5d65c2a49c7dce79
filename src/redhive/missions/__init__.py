"""Missions: time-boxed red-teaming campaigns over exact system versions, with a cohort."""
