namespace TimeBank.Grains;

/// <summary>
/// What an id may look like. Ids appear in account names and stored grain ids, so they are kept to a
/// small, printable, unambiguous alphabet.
/// </summary>
public static class Identifiers
{
    public const int MaxIdLength = 64;
    public const int MaxRequestIdLength = 128;
    public const int MaxDisplayNameLength = 200;
    public const int MaxMemoLength = 200;

    /// <summary>Volunteer, community, activity ids: 1-64 of <c>A-Z a-z 0-9 . _ -</c>, starting with a letter or digit.</summary>
    public static bool IsValidId(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxIdLength || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Client request ids: 1-128 printable ASCII characters, no spaces (a UUID fits).</summary>
    public static bool IsValidRequestId(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxRequestIdLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Display names: 1-200 characters, not blank, no control characters.</summary>
    public static bool IsValidDisplayName(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxDisplayNameLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Memos: empty, or up to 200 characters without control characters.</summary>
    public static bool IsValidMemo(string? value)
    {
        if (value is null || value.Length > MaxMemoLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
