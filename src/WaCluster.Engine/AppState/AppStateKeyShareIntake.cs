using WaCluster.Core;
using WaCluster.Core.AppState;
using WaCluster.Core.Events;
using WaCluster.Core.Store;

namespace WaCluster.Engine.AppState;

/// <summary>
/// Keeps the app state sync keys that received messages share: staged in the data transaction committed with those
/// messages, so a key is journaled before the stanza that carried it is acked. Only our primary's shares count; any
/// other, and a malformed one, is reported and stores nothing.
/// </summary>
internal static class AppStateKeyShareIntake
{
    public static void Stage(AccountEngine engine, AccountDataTransaction transaction, IReadOnlyList<ReceivedMessage> messages)
    {
        foreach (var received in messages)
        {
            if (AppStateKeyShares.ShareOf(received.Message) is not { } share) continue;
            if (engine.Creds.Me is not { } me || !AppStateKeyShares.IsFromOwnPrimary(received.Sender, me))
            {
                engine.Emit(new EngineError("app state key share " + received.Key.Id, new AppStateKeyShareRefusedException($"a key share from {received.Sender}, not our primary")));
                continue;
            }
            try
            {
                AppStateSyncKeys.Store(transaction, share);
            }
            catch (AppStateException error)
            {
                engine.Emit(new EngineError("app state key share " + received.Key.Id, error));
            }
        }
    }
}

/// <summary>A key share that did not come from our own primary device.</summary>
internal sealed class AppStateKeyShareRefusedException(string message) : EngineException(message);
