"""Korean analysis: Kiwi tokens, entity suggestions, the CRF model. Never imports Textual."""
