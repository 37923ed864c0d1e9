namespace WaCluster.TestSupport;

/// <summary>
/// Whether a proof that needs a system package may skip when the package is missing: on a developer's machine it
/// skips and says which package to install; under CI (CI=true), whose script installs every such package, it runs and
/// fails, since a missing package there is a broken CI script, not a reason to prove less.
/// </summary>
public static class RequiredTools
{
    public static bool MaySkip => !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
