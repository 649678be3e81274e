using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using TimeBank.Contracts.V1;
using TimeBank.Grains;
using TimeBank.Server.Api.Internal;
using TimeBank.Storage;
using TimeBank.Storage.Keys;

namespace TimeBank.Server.Auth;

/// <summary>
/// <c>timebank.v1.AdminService</c>: creating, listing and revoking keys, with who may touch which key.
/// Creation and revocation are idempotent by the caller's request id like every mutation (the request
/// record is stored with the key, in one transaction), and take effect in this process at once.
/// </summary>
internal sealed class KeyAdministration(IApiKeyStore store, IGrainStorage requests, KeyRing ring, TimeProvider clock)
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    /// <summary>Roles a community admin may grant, within its own community.</summary>
    private static readonly Role[] CommunityGrantable = [Role.CommunityAdmin, Role.Organizer, Role.App, Role.Auditor];

    public async Task<CreateKeyResponse> CreateKeyAsync(CreateKeyRequest request, CallInfo call)
    {
        var caller = call.RequireCaller();
        EnsureRequestId(request.RequestId);
        if (!RoleNames.TryParse(request.Role, out var role))
        {
            throw FailureMapping.ToRpc(ErrorReasons.InvalidRole, ("value", request.Role));
        }

        EnsureScopeFits(role, request.Scope, request.Member);
        if (!Identifiers.IsValidDisplayName(request.DisplayName))
        {
            throw FailureMapping.ToRpc(ErrorReasons.InvalidDisplayName);
        }

        EnsureMayManage(caller, role, request.Scope);
        var fingerprint = SHA256.HashData(request.ToByteArray());
        if (await ReplayAsync(caller, request.RequestId, "AdminService/CreateKey", "keys", fingerprint, CreateKeyResponse.Parser) is { } replayed)
        {
            replayed.Replayed = true;
            return replayed;
        }

        var token = ApiKeyToken.Generate();
        var now = UnixMicroseconds.Truncate(clock.GetUtcNow());
        var key = new StoredApiKey(token.KeyId, token.HashSecret(), RoleNames.Of(role), request.Scope, request.Member, request.DisplayName.Trim(), now, caller.KeyId, null, null);
        var answer = new CreateKeyResponse { Key = ToMessage(key) };
        try
        {
            // The stored answer has no secret: a retry is told the key exists, never shown its secret again.
            await store.CreateKeyAsync(key, Record(caller, request.RequestId, "AdminService/CreateKey", "keys", fingerprint, answer, now));
        }
        catch (DuplicateRequestException)
        {
            return await ReplayAsync(caller, request.RequestId, "AdminService/CreateKey", "keys", fingerprint, CreateKeyResponse.Parser) is { } winner
                ? WithReplayed(winner)
                : throw FailureMapping.ToRpc(ErrorReasons.ConcurrentUpdate);
        }

        ring.Apply(key);
        answer.Secret = token.Reveal();
        return answer;
    }

    public async Task<RevokeKeyResponse> RevokeKeyAsync(RevokeKeyRequest request, CallInfo call)
    {
        var caller = call.RequireCaller();
        EnsureRequestId(request.RequestId);
        if (request.KeyId.Length != ApiKeyToken.KeyIdLength || !request.KeyId.All(c => c is (>= 'a' and <= 'z') or (>= '2' and <= '7')))
        {
            throw FailureMapping.ToRpc(ErrorReasons.InvalidKeyId, ("value", request.KeyId));
        }

        var target = $"key/{request.KeyId}";
        var fingerprint = SHA256.HashData(request.ToByteArray());
        if (await ReplayAsync(caller, request.RequestId, "AdminService/RevokeKey", target, fingerprint, RevokeKeyResponse.Parser) is { } replayed)
        {
            return replayed;
        }

        var existing = (await store.ReadAllKeysAsync()).FirstOrDefault(k => k.KeyId == request.KeyId);
        if (existing is null || !RoleNames.TryParse(existing.Role, out var role))
        {
            // A community admin learns nothing of keys outside its community, not even whether they exist.
            throw caller.Role == Role.Admin
                ? FailureMapping.ToRpc(ErrorReasons.KeyNotFound, ("key_id", request.KeyId))
                : FailureMapping.ToRpc(ErrorReasons.OutOfScope, ("scope", caller.Scope), ("what", "key"));
        }

        EnsureMayManage(caller, role, existing.Scope);
        var now = UnixMicroseconds.Truncate(clock.GetUtcNow());
        var answer = new RevokeKeyResponse { Key = ToMessage(existing with { RevokedAt = existing.RevokedAt ?? now }) };
        StoredApiKey? revoked;
        try
        {
            revoked = await store.RevokeKeyAsync(request.KeyId, now, Record(caller, request.RequestId, "AdminService/RevokeKey", target, fingerprint, answer, now));
        }
        catch (DuplicateRequestException)
        {
            return await ReplayAsync(caller, request.RequestId, "AdminService/RevokeKey", target, fingerprint, RevokeKeyResponse.Parser)
                ?? throw FailureMapping.ToRpc(ErrorReasons.ConcurrentUpdate);
        }

        if (revoked is null)
        {
            throw FailureMapping.ToRpc(ErrorReasons.KeyNotFound, ("key_id", request.KeyId));
        }

        ring.Apply(revoked);
        return new RevokeKeyResponse { Key = ToMessage(revoked) };
    }

    public async Task<ListKeysResponse> ListKeysAsync(ListKeysRequest request, CallInfo call)
    {
        var caller = call.RequireCaller();
        var pageSize = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        if (pageSize is < 1 or > MaxPageSize)
        {
            throw FailureMapping.ToRpc(ErrorReasons.InvalidPage, ("field", "page_size"), ("rule", $"1 to {MaxPageSize}, or 0 for {DefaultPageSize}"));
        }

        var after = "";
        if (request.PageToken.Length > 0 && !TryReadPageToken(request.PageToken, out after))
        {
            throw FailureMapping.ToRpc(ErrorReasons.InvalidPage, ("field", "page_token"), ("rule", "pass next_page_token from the previous page as it came"));
        }

        var scope = request.Scope;
        if (caller.Role != Role.Admin)
        {
            if (scope.Length > 0 && scope != caller.Scope)
            {
                throw FailureMapping.ToRpc(ErrorReasons.OutOfScope, ("scope", caller.Scope), ("what", "scope"));
            }

            scope = caller.Scope;
        }

        var visible = (await store.ReadAllKeysAsync())
            .Where(k => (scope.Length == 0 || k.Scope == scope) && (caller.Role == Role.Admin || IsCommunityKey(k)))
            .Where(k => string.CompareOrdinal(k.KeyId, after) > 0)
            .OrderBy(k => k.KeyId, StringComparer.Ordinal)
            .Take(pageSize + 1)
            .ToList();
        var response = new ListKeysResponse();
        response.Keys.AddRange(visible.Take(pageSize).Select(ToMessage));
        if (visible.Count > pageSize)
        {
            response.NextPageToken = Base64Url.EncodeToString(Encoding.ASCII.GetBytes(visible[pageSize - 1].KeyId));
        }

        return response;
    }

    private static bool IsCommunityKey(StoredApiKey key)
        => RoleNames.TryParse(key.Role, out var role) && CommunityGrantable.Contains(role);

    private static void EnsureRequestId(string requestId)
    {
        if (!Identifiers.IsValidRequestId(requestId))
        {
            throw FailureMapping.ToRpc(ErrorReasons.InvalidRequestId, ("value", requestId));
        }
    }

    /// <summary>The scope (and member) a role's key must name.</summary>
    private static void EnsureScopeFits(Role role, string scope, string member)
    {
        var roleName = RoleNames.Of(role);
        var (fits, rule) = role switch
        {
            Role.Admin => (scope.Length == 0, "an admin key has no scope"),
            Role.Auditor => (scope == Scopes.Everywhere || Identifiers.IsValidId(scope), "a community id, or * for every community"),
            Role.CommunityAdmin or Role.Organizer or Role.App => (Identifiers.IsValidId(scope), "a community id"),
            Role.Terminal => (Identifiers.IsValidId(scope), "a store id"),
            Role.CommitteeMember => (Identifiers.IsValidId(scope), "a fund id"),
        };
        if (!fits)
        {
            throw FailureMapping.ToRpc(ErrorReasons.InvalidScope, ("value", scope), ("role", roleName), ("rule", rule));
        }

        var memberFits = role == Role.CommitteeMember ? Identifiers.IsValidId(member) : member.Length == 0;
        if (!memberFits)
        {
            throw FailureMapping.ToRpc(ErrorReasons.InvalidMember, ("value", member), ("role", roleName),
                ("rule", role == Role.CommitteeMember ? "the member's id in the committee (1-64 of A-Z a-z 0-9 . _ -)" : "only committee-member keys name a member"));
        }
    }

    /// <summary>An admin manages every key; a community admin only community keys of its own community.</summary>
    private static void EnsureMayManage(Caller caller, Role role, string scope)
    {
        if (caller.Role == Role.Admin)
        {
            return;
        }

        if (caller.Role != Role.CommunityAdmin || !CommunityGrantable.Contains(role))
        {
            throw FailureMapping.ToRpc(ErrorReasons.RoleNotGrantable, ("role", RoleNames.Of(caller.Role)), ("granted", RoleNames.Of(role)));
        }

        if (scope != caller.Scope)
        {
            throw FailureMapping.ToRpc(ErrorReasons.OutOfScope, ("scope", caller.Scope), ("what", "key"));
        }
    }

    private async Task<T?> ReplayAsync<T>(Caller caller, string requestId, string operation, string target, byte[] fingerprint, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        if (await requests.FindRequestAsync(caller.KeyId, requestId) is not { } earlier)
        {
            return null;
        }

        return earlier.Operation == operation && earlier.Target == target && earlier.Fingerprint.Span.SequenceEqual(fingerprint)
            ? parser.ParseFrom(earlier.Result.Span)
            : throw FailureMapping.ToRpc(ErrorReasons.RequestIdReused, ("request_id", requestId), ("operation", earlier.Operation), ("target", earlier.Target));
    }

    private static RequestRecord Record(Caller caller, string requestId, string operation, string target, byte[] fingerprint, IMessage answer, DateTimeOffset now)
        => new(caller.KeyId, requestId, operation, target, fingerprint, answer.ToByteArray(), now);

    private static CreateKeyResponse WithReplayed(CreateKeyResponse response)
    {
        response.Replayed = true;
        return response;
    }

    private static bool TryReadPageToken(string token, out string after)
    {
        after = "";
        var bytes = new byte[64];
        if (token.Length > 64 || Base64Url.DecodeFromChars(token, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        after = Encoding.ASCII.GetString(bytes, 0, written);
        return true;
    }

    private static ApiKey ToMessage(StoredApiKey key)
    {
        var message = new ApiKey
        {
            KeyId = key.KeyId,
            Role = key.Role,
            Scope = key.Scope,
            Member = key.Member,
            DisplayName = key.DisplayName,
            CreatedAt = Timestamp.FromDateTimeOffset(key.CreatedAt),
            CreatedBy = key.CreatedBy,
        };
        if (key.LastUsedAt is { } used)
        {
            message.LastUsedAt = Timestamp.FromDateTimeOffset(used);
        }

        if (key.RevokedAt is { } revoked)
        {
            message.RevokedAt = Timestamp.FromDateTimeOffset(revoked);
        }

        return message;
    }
}
