package dev.rewind.registry;

import io.apicurio.common.apps.auth.authn.AppAuthenticationMechanism;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.BasicAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Set;
import javax.annotation.Priority;
import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Alternative;
import javax.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Not Apicurio's code: lets a test start the same registry open (the default) or behind HTTP basic
 * auth, to test a registry that refuses the password. Apicurio 2.4's own basic auth trades the
 * password for a token at an OIDC server (Keycloak), and Quarkus 2.16 fixes its
 * `quarkus.http.auth.permission.*` at build time, so neither can be switched on per start.
 *
 * With `rewind.registry.require-password=true` the registry's APIs (/apis/...) answer a caller
 * without valid credentials with Quarkus' own 401 and `WWW-Authenticate: Basic`; the users are
 * `quarkus.security.users.embedded.users.NAME=PASSWORD` (with `...plain-text=true`), checked by
 * Quarkus' properties-file identity provider. /health stays open, so a start can wait on it.
 * Otherwise every call goes to Apicurio's own mechanism, as in the released app.
 *
 * It is the authentication mechanism (Apicurio's is an @Alternative of priority 1, which hides
 * Quarkus' basic one; this one has a higher priority and delegates) and a policy (Quarkus asks
 * every HttpSecurityPolicy bean about every request).
 */
@Alternative
@Priority(10)
@ApplicationScoped
public class RequirePassword implements HttpAuthenticationMechanism, HttpSecurityPolicy {
  @ConfigProperty(name = "rewind.registry.require-password", defaultValue = "false")
  boolean required;

  @Inject
  AppAuthenticationMechanism apicurio;

  private final BasicAuthenticationMechanism basic = new BasicAuthenticationMechanism("apicurio-registry", false);

  @Override
  public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
    return required ? basic.authenticate(context, identities) : apicurio.authenticate(context, identities);
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    return required ? basic.getChallenge(context) : apicurio.getChallenge(context);
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    Set<Class<? extends AuthenticationRequest>> types = new HashSet<>(basic.getCredentialTypes());
    types.addAll(apicurio.getCredentialTypes());
    return types;
  }

  @Override
  public HttpCredentialTransport getCredentialTransport() {
    return required ? basic.getCredentialTransport() : apicurio.getCredentialTransport();
  }

  @Override
  public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity, AuthorizationRequestContext context) {
    if (!required || !request.normalizedPath().startsWith("/apis/")) return Uni.createFrom().item(CheckResult.PERMIT);
    return identity.map(id -> id.isAnonymous() ? CheckResult.DENY : CheckResult.PERMIT);
  }
}
