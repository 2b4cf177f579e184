"""Templates: safe YAML, the template spec, samplers, text, schema, the bank, and instance generation.

Core layer. A template file is read once (safe YAML with line numbers), built into a `Template`, and
`generate(template, seed)` draws a fresh `Instance`: prompt, parameters, answer, mistakes, solution."""

from trainer.core._lazy import lazy_exports

_EXPORTS = {
    "YamlError": "safe_yaml", "load_yaml": "safe_yaml",
    "Template": "spec", "TemplateError": "spec", "AnswerSpec": "spec", "load_template": "spec", "TOPICS": "spec",
    "KINDS": "spec",
    "Bank": "bank", "LoadError": "bank", "load_bank": "bank", "template_files": "bank",
    "Instance": "generation", "Answer": "generation", "Mistake": "generation", "GenerationError": "generation",
    "generate": "generation",
    "template_schema": "schema",
    "Front": "card_front", "front": "card_front",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
