using WaCluster.Core;
using WaCluster.Core.Connection;
using WaCluster.Core.Creds;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.Connection;

/// <summary>Our ClientPayloads against the ones Baileys' generateRegistrationNode/generateLoginNode build for the same creds.</summary>
public sealed class ClientPayloadInteropTests : IAsyncLifetime
{
    private NodeHarness _node = null!;

    public static TheoryData<string, string, string, bool> Browsers => new()
    {
        { "Mac OS", "Chrome", "14.4.1", true },
        { "Mac OS", "Desktop", "14.4.1", true },
        { "Windows", "Desktop", "10.0.22631", true },
        { "Windows", "Desktop", "10.0.22631", false },
        { "Ubuntu", "Firefox", "22.04.4", false },
        { "Baileys", "Safari", "6.5.0", true },
        { "Chrome", "Android", "", true },
        { "Ubuntu", "Edge", "22.04.4", true },
    };

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [MemberData(nameof(Browsers))]
    public async Task Registration_and_login_payloads_equal_Baileys_field_by_field(string os, string browser, string osVersion, bool fullSync)
    {
        var options = new EngineOptions
        {
            Browser = new BrowserDescription(os, browser, osVersion),
            SyncFullHistory = fullSync,
            Version = [2, 3000, (uint)Random.Shared.Next(1, int.MaxValue)],
            CountryCode = fullSync ? "US" : "BR",
        };
        var cases = Enumerable.Range(0, 8).Select(i => (Creds: AuthCreds.CreateNew(), Jid: new Jid($"1555000{i:0000}", JidServer.User, (ushort)(i * 7)))).ToArray();
        var theirs = await _node.CallAsync<PayloadPair[]>("engine.clientPayloads", new
        {
            items = cases.Select(c => new
            {
                registrationId = c.Creds.RegistrationId,
                identityPublic = Convert.ToBase64String(c.Creds.SignedIdentityKey.PublicKey),
                signedPreKeyId = c.Creds.SignedPreKey.Id,
                signedPreKeyPublic = Convert.ToBase64String(c.Creds.SignedPreKey.KeyPair.PublicKey),
                signedPreKeySignature = Convert.ToBase64String(c.Creds.SignedPreKey.Signature),
                jid = c.Jid.ToString(),
                version = options.Version,
                browser = new[] { os, browser, osVersion },
                countryCode = options.CountryCode,
                syncFullHistory = fullSync,
            }),
        });

        for (var i = 0; i < cases.Length; i++)
        {
            var registration = ClientPayloadFactory.ForRegistration(cases[i].Creds, options.Identity);
            var login = ClientPayloadFactory.ForLogin(cases[i].Jid, options.Identity);
            var baileysRegistration = ClientPayload.Parser.ParseFrom(Convert.FromBase64String(theirs[i].Registration));
            var baileysLogin = ClientPayload.Parser.ParseFrom(Convert.FromBase64String(theirs[i].Login));
            // DeviceProps travel as nested bytes: compare them decoded, then the rest with them blanked.
            Assert.Equal(DeviceProps.Parser.ParseFrom(baileysRegistration.DevicePairingData.DeviceProps),
                DeviceProps.Parser.ParseFrom(registration.DevicePairingData.DeviceProps));
            Assert.Equal(baileysRegistration, registration);
            Assert.Equal(baileysLogin, login);
        }
    }

    [Fact]
    public void Login_rejects_an_own_jid_without_a_numeric_user()
    {
        var options = new EngineOptions();
        Assert.Throws<EngineException>(() => ClientPayloadFactory.ForLogin(new Jid("abc", JidServer.User), options.Identity));
    }

    [Fact]
    public void Creds_choose_registration_until_paired_then_login()
    {
        var options = new EngineOptions();
        var creds = AuthCreds.CreateNew();
        Assert.NotNull(ClientPayloadFactory.ForCreds(creds, options.Identity).DevicePairingData);
        var paired = creds with { Me = new Contact("15550001111:3@s.whatsapp.net"), Account = [1] };
        var login = ClientPayloadFactory.ForCreds(paired, options.Identity);
        Assert.Null(login.DevicePairingData);
        Assert.Equal(15550001111UL, login.Username);
        Assert.Equal(3u, login.Device);
    }

    private sealed record PayloadPair(string Registration, string Login);
}
