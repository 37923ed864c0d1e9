namespace WaCluster.Simulator;

/// <summary>How a simulator instance listens and how strict it is with its clients.</summary>
public sealed record SimulatorOptions
{
    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Serve the main port as https/wss with the simulator's self-signed certificate instead of http/ws.</summary>
    public bool UseTls { get; init; }

    /// <summary>Loopback HTTPS port of the media host; 0 picks a free one.</summary>
    public int MediaPort { get; init; }

    /// <summary>Seeds every random choice the simulator makes (phone numbers, LIDs, refs, ids), so runs repeat.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Largest inbound frame accepted; a longer declared length closes the connection.</summary>
    public int MaxFrameSize { get; init; } = 4 << 20;

    /// <summary>Time a new connection gets to finish the Noise handshake (half-open connections are cut after it).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Silence tolerated from a logged-in client; Baileys pings every 30 s.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(75);

    /// <summary>After a stream error the server waits this long for the client to hang up before closing itself.</summary>
    public TimeSpan CloseGrace { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Largest media upload accepted by the media host.</summary>
    public long MaxMediaSize { get; init; } = 64L << 20;

    /// <summary>How long an uploaded media blob stays downloadable (then 410 Gone until re-uploaded); null: forever.</summary>
    public TimeSpan? MediaLifetime { get; init; }

    /// <summary>How many QR refs a registering client gets in its pair-device stanza.</summary>
    public int PairingRefCount { get; init; } = 6;

    /// <summary>Below this many one-time pre-keys left, the device is told to upload more.</summary>
    public int LowPreKeyThreshold { get; init; } = 5;

    /// <summary>New accounts are seen by their peers by LID (sender_pn beside it) instead of by phone number.</summary>
    public bool LidAddressedUsers { get; init; }

    /// <summary>How groups created from now on address their members.</summary>
    public GroupAddressing DefaultGroupAddressing { get; init; } = GroupAddressing.Pn;

    /// <summary>
    /// Privacy tokens are kept and passed on (privacy_token notifications), and a 1:1 message is accepted only with the
    /// token its recipient issued to the sender (error 463 otherwise), as WhatsApp treats accounts it restricts from
    /// starting chats. Off: token issues are acknowledged and dropped, and no message needs one.
    /// </summary>
    public bool RequirePrivacyTokens { get; init; }

    /// <summary>The app state each phone holds before its first companion links (contacts, chat settings, labels).</summary>
    public AppState.AppStateSeed AppStateSeed { get; init; } = new();

    /// <summary>
    /// Messages in each phone's seeded history (about one chat per twenty messages), sent to every companion that links
    /// as history-sync chunks; 0: phones have no history and send none.
    /// </summary>
    public int HistoryMessages { get; init; }

    /// <summary>A companion that did not ask for full history gets the messages of this recent window only.</summary>
    public TimeSpan RecentHistory { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Most messages in one RECENT, FULL or ON_DEMAND history chunk.</summary>
    public int HistoryChunkMessages { get; init; } = 2_000;
}

/// <summary>Whether a group names its members by phone number or by LID (addressing_mode).</summary>
public enum GroupAddressing
{
    Pn,
    Lid,
}
