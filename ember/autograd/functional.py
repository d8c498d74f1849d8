"""``ember.autograd.functional``: jacobian, hessian, vjp, jvp."""
