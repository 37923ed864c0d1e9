using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WaCluster.Cluster.Tests.Postgres;

/// <summary>
/// A private PostgreSQL server for one test class: initdb into a temp folder, pg_ctl start on a free loopback port,
/// stopped and deleted at the end. PostgreSQL refuses to run as root, so under root (CI containers) its commands run
/// as the "postgres" user that the Debian package creates.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string User = "wacluster";
    private string? _directory;

    /// <summary>Where initdb and pg_ctl live, or null when PostgreSQL is not installed.</summary>
    public static string? BinDirectory { get; } = FindBinDirectory();

    public int Port { get; } = FreePort();

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username={User};Database={database};Pooling=true;Timeout=30";

    public async Task InitializeAsync()
    {
        if (BinDirectory is null)
        {
            return;
        }
        _directory = Path.Combine(Path.GetTempPath(), "wacluster-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", ["postgres", _directory], asPostgres: false);
        }
        var data = Path.Combine(_directory, "data");
        await RunAsync(Path.Combine(BinDirectory, "initdb"), ["-D", data, "-U", User, "--auth=trust", "-E", "UTF8", "--no-sync"]);
        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"),
        [
            "-D", data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start",
        ]);
    }

    /// <summary>Creates an empty database (one per test keeps tests apart on one server).</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{name}\"";
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        if (_directory is null)
        {
            return;
        }
        Npgsql.NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(BinDirectory!, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"]);
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres = true)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres && Environment.IsPrivilegedProcess)
        {
            start.FileName = "runuser";
            foreach (var argument in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = program;
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static string? FindBinDirectory()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .FirstOrDefault(directory => File.Exists(Path.Combine(directory, "pg_ctl")) && File.Exists(Path.Combine(directory, "initdb")));
        if (onPath is not null)
        {
            return onPath;
        }
        const string debian = "/usr/lib/postgresql";
        return Directory.Exists(debian)
            ? Directory.GetDirectories(debian).Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "pg_ctl")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
