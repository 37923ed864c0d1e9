using System.Diagnostics;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Docker;

/// <summary>
/// No Docker engine runs where the tests run, but a real Compose implementation can still parse and validate
/// docker/compose.yaml (`.ci/run` installs Debian's docker-compose when missing).
/// </summary>
[Trait("Proof", "docker-compose")]
public sealed class ComposeFileTests
{
    private static readonly string Validator = Path.Combine(RepositoryPaths.Root, "docker", "validate-compose.sh");

    [ComposeFact]
    public async Task The_compose_file_is_valid_and_has_three_nodes_postgres_the_simulator_and_the_cli()
    {
        var (exitCode, output) = await Validate();
        Assert.True(exitCode == 0, output);
        Assert.Contains("compose.yaml is valid", output);
    }

    [ComposeFact]
    public async Task The_validator_rejects_a_broken_file()
    {
        var broken = Path.Combine(Path.GetTempPath(), $"compose-broken-{Guid.NewGuid():N}.yaml");
        var original = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docker", "compose.yaml"));
        await File.WriteAllTextAsync(broken, original.Replace("\nservices:", "\nservics:"));
        try
        {
            var (exitCode, output) = await Validate(broken);
            Assert.NotEqual(0, exitCode);
            Assert.Contains("servics", output);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    private static async Task<(int ExitCode, string Output)> Validate(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Validator);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>Skips only where no Compose implementation is installed, and never under CI (which installs one).</summary>
public sealed class ComposeFactAttribute : FactAttribute
{
    public ComposeFactAttribute()
    {
        if (!HasCompose() && RequiredTools.MaySkip)
        {
            Skip = "No Compose implementation (docker compose plugin or docker-compose): apt-get install -y docker-compose";
        }
    }

    private static bool HasCompose() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Any(dir => File.Exists(Path.Combine(dir, "docker-compose")) || File.Exists(Path.Combine(dir, "docker")) && ComposePlugin());

    private static bool ComposePlugin()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("docker", "compose version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.WaitForExit(10_000);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
