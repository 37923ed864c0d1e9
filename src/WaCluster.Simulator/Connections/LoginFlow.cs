using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Proto;
using WaCluster.Simulator.Pairing;
using WaCluster.Simulator.Stanzas;

namespace WaCluster.Simulator.Connections;

/// <summary>
/// What the server does with the ClientPayload of a fresh connection: start QR registration, or log a known device in
/// (same Noise key it paired with), replacing an older connection of that device the way WhatsApp does.
/// </summary>
internal static class LoginFlow
{
    public static void Handle(WaSimulator simulator, ChatConnection connection, ClientPayload payload, byte[] clientStatic)
    {
        if (!payload.HasUsername)
        {
            if (payload.DevicePairingData is not { } pairingData) throw new SimulatorException("ClientPayload has neither username nor pairing data");
            PairingFlow.Begin(simulator, connection, CompanionRegistration.FromPayload(pairingData, clientStatic));
            return;
        }
        var user = simulator.Directory.FindByPhone(payload.Username.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var device = user is not null && payload.Device <= ushort.MaxValue && user.Companions.TryGetValue((ushort)payload.Device, out var found) ? found : null;
        if (device is null || !device.NoiseKey.AsSpan().SequenceEqual(clientStatic))
        {
            // Unknown or removed device, or a different noise key: the client must pair again.
            connection.SendAndClose(new BinaryNode("failure", [("reason", "401"), ("location", "sim")]));
            return;
        }
        if (device.Connection is { } previous && previous != connection)
        {
            simulator.Counters.Conflict();
            previous.Device = null;
            previous.SendAndClose(ServerNodes.StreamError(new BinaryNode("conflict", [("type", "replaced")])));
        }
        device.Connection = connection;
        connection.Device = device;
        if (payload.HasPushName && payload.PushName.Length > 0) device.User.PushName = payload.PushName;
        simulator.Counters.Login();
        connection.Send(new BinaryNode("success",
        [
            ("t", ServerNodes.Timestamp(WaSimulator.Now)),
            ("props", "1"),
            ("abprops", "1"),
            ("location", "sim"),
            ("lid", device.LidJid),
            ("creation", ServerNodes.Timestamp(WaSimulator.Now)),
        ]));
    }
}
