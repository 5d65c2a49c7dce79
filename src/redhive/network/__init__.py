"""The expert network: applications, reviews, decisions, expert profiles and cohort selection."""
