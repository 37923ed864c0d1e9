using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Postgres;

/// <summary>A fact that needs PostgreSQL binaries; skipped, saying so, only where none are installed (never in CI).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.BinDirectory is null && RequiredTools.MaySkip)
        {
            Skip = "No PostgreSQL binaries (pg_ctl, initdb) on PATH or in /usr/lib/postgresql: apt-get install -y postgresql";
        }
    }
}
