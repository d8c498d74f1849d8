"""Every differentiable primitive and composite op, grouped by family."""
