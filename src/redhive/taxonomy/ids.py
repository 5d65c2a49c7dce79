"""OWASP Top 10 for LLM Applications 2025, the MITRE ATLAS techniques redhive maps to, hazard
classes and risk areas (shared/reference/flaw-management.md §2.4–2.5, DESIGN §8)."""

from __future__ import annotations

import re

OWASP_LLM_2025: dict[str, str] = {
    "LLM01:2025": "Prompt Injection",
    "LLM02:2025": "Sensitive Information Disclosure",
    "LLM03:2025": "Supply Chain",
    "LLM04:2025": "Data and Model Poisoning",
    "LLM05:2025": "Improper Output Handling",
    "LLM06:2025": "Excessive Agency",
    "LLM07:2025": "System Prompt Leakage",
    "LLM08:2025": "Vector and Embedding Weaknesses",
    "LLM09:2025": "Misinformation",
    "LLM10:2025": "Unbounded Consumption",
}

# MITRE ATLAS data 5.6.0: the techniques redhive's probes map to.
ATLAS_TECHNIQUES: dict[str, str] = {
    "AML.T0010": "AI Supply Chain Compromise",
    "AML.T0024": "Exfiltration via AI Inference API",
    "AML.T0029": "Denial of AI Service",
    "AML.T0043": "Craft Adversarial Data",
    "AML.T0048": "External Harms",
    "AML.T0051": "LLM Prompt Injection",
    "AML.T0051.000": "LLM Prompt Injection: Direct",
    "AML.T0051.001": "LLM Prompt Injection: Indirect",
    "AML.T0053": "AI Agent Tool Invocation",
    "AML.T0054": "LLM Jailbreak",
    "AML.T0056": "Extract LLM System Prompt",
    "AML.T0057": "LLM Data Leakage",
    "AML.T0062": "Discover LLM Hallucinations",
    "AML.T0065": "LLM Prompt Crafting",
    "AML.T0066": "Retrieval Content Crafting",
    "AML.T0068": "LLM Prompt Obfuscation",
    "AML.T0069": "Discover LLM System Information",
    "AML.T0070": "RAG Poisoning",
}

# AVID taxonomy, SEP view (Security, Ethics, Performance), spelt exactly as avidtools 0.3.2's SepEnum
# (an AVID report's sep_view holds "S0403: Adversarial Example", code and name).
AVID_SEP: dict[str, str] = {
    "S0100": "Software Vulnerability",
    "S0200": "Supply Chain Compromise",
    "S0201": "Model Compromise",
    "S0202": "Software Compromise",
    "S0300": "Over-permissive API",
    "S0301": "Information Leak",
    "S0302": "Excessive Queries",
    "S0400": "Model Bypass",
    "S0401": "Bad Features",
    "S0402": "Insufficient Training Data",
    "S0403": "Adversarial Example",
    "S0500": "Exfiltration",
    "S0501": "Model inversion",
    "S0502": "Model theft",
    "S0600": "Data Poisoning",
    "S0601": "Ingest Poisoning",
    "E0100": "Bias/ Discrimination",
    "E0101": "Group fairness",
    "E0102": "Individual fairness",
    "E0200": "Explainability",
    "E0201": "Global explanations",
    "E0202": "Local explanations",
    "E0300": "User actions",
    "E0301": "Toxicity",
    "E0302": "Polarization/ Exclusion",
    "E0400": "Misinformation",
    "E0401": "Deliberative Misinformation",
    "E0402": "Generative Misinformation",
    "P0100": "Data issues",
    "P0101": "Data drift",
    "P0102": "Concept drift",
    "P0103": "Data entanglement",
    "P0104": "Data quality issues",
    "P0105": "Feedback loops",
    "P0200": "Model issues",
    "P0201": "Resilience/ Stability",
    "P0202": "OOD generalization",
    "P0203": "Scaling",
    "P0204": "Accuracy",
    "P0300": "Privacy",
    "P0301": "Anonymization",
    "P0302": "Randomization",
    "P0303": "Encryption",
    "P0400": "Safety",
    "P0401": "Psychological Safety",
    "P0402": "Physical safety",
    "P0403": "Socioeconomic safety",
    "P0404": "Environmental safety",
}

HAZARD_CLASSES: dict[str, str] = {
    "HZ0": "public-safe",
    "HZ1": "sensitive (privacy, proprietary)",
    "HZ2": "dual-use operational",
    "HZ3": "catastrophic-uplift",
}

RISK_AREAS: dict[str, str] = {
    "system_prompt_leakage": "System-prompt leakage",
    "sensitive_information": "Sensitive-information disclosure (planted PII)",
    "prompt_injection_direct": "Direct prompt injection",
    "prompt_injection_indirect": "Indirect prompt injection through documents",
    "jailbreak": "Policy jailbreak (surrogate forbidden content)",
    "misinformation": "Misinformation (false premise)",
    "bias": "Bias (counterfactual pairs)",
    "over_refusal": "Over-refusal of benign requests (controls)",
    "unexpected_behaviour": "Unexpected behaviour (hallucinated packages and links, instruction drift)",
    "improper_output_handling": "Improper output handling (script, SQL, markdown payloads)",
    "unbounded_consumption": "Unbounded consumption (output blow-up)",
    "harmful_request": "Surrogate harmful requests (malware, do-not-answer), judged by compliance",
    "off_topic": "Off-topic use of a scoped application",
    "excessive_agency": "Excessive agency (commitments made without authority)",
    "interpretability": "Interpretability (self-consistency, explanation faithfulness under perturbation)",
    "supply_chain": "Supply chain (hallucinated packages, unsafe model files)",
    "data_poisoning": "Data and model poisoning (poisoned retrieval and memory)",
    "vector_embedding": "Vector and embedding weaknesses (retrieval across tenants and clearances)",
    "toxicity": "Toxic or insulting output",
    "manipulation": "Manipulation of users (dark patterns)",
}

_OWASP = re.compile(r"^LLM(0[1-9]|10):2025$")
_ATLAS = re.compile(r"^AML\.T\d{4}(\.\d{3})?$")


def is_owasp_id(value: str) -> bool:
    return bool(_OWASP.match(value)) and value in OWASP_LLM_2025


def is_atlas_id(value: str) -> bool:
    """Well-formed ATLAS technique id (the full catalogue has 170; we name the ones we use)."""
    return bool(_ATLAS.match(value))
