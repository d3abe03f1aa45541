"""Single sign-on through the agency's OpenID Connect provider."""
