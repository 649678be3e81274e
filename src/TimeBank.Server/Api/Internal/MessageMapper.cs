using System.Collections;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using TimeBank.Grains;

namespace TimeBank.Server.Api.Internal;

/// <summary>
/// Converts between protobuf messages and the grains' plain records by name, driven by the messages'
/// descriptors: a request field <c>display_name</c> fills a constructor parameter <c>displayName</c>, a
/// payload property <c>MinutesCredited</c> fills the response field <c>minutes_credited</c>. Conversions are
/// built and checked once, at start: a field with no counterpart stops the server from starting (and fails
/// a test), so no field is ever dropped silently and no RPC needs hand-written mapping.
/// </summary>
internal static class MessageMapper
{
    /// <summary>
    /// How to build <paramref name="commandType"/> from a request: each constructor parameter from the field
    /// of the same name; a <see cref="RequestKey"/> parameter from the caller's key id and <c>request_id</c>;
    /// a <see cref="TimeBank.Grains.Funds.CallerMember"/> from the committee member the caller's key names
    /// (never from the request: a member votes as itself). Every request field must be used, except those in
    /// <paramref name="usedElsewhere"/> (the grain key).
    /// </summary>
    public static Func<IMessage, Auth.Caller?, object> CommandFactory(MessageDescriptor request, System.Type commandType, IReadOnlyCollection<string> usedElsewhere)
    {
        var constructor = SingleConstructor(commandType);
        var used = new HashSet<string>(usedElsewhere, StringComparer.Ordinal);
        var parameters = constructor.GetParameters();
        var readers = new Func<IMessage, Auth.Caller?, object?>[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.ParameterType == typeof(RequestKey))
            {
                var requestId = FieldOrThrow(request, "request_id", commandType, parameter);
                used.Add(requestId.Name);
                readers[i] = (message, caller) => new RequestKey(caller?.KeyId ?? "", (string)requestId.Accessor.GetValue(message));
                continue;
            }

            if (parameter.ParameterType == typeof(TimeBank.Grains.Funds.CallerMember))
            {
                readers[i] = (_, caller) => new TimeBank.Grains.Funds.CallerMember(caller?.Member ?? "");
                continue;
            }

            var field = FieldOrThrow(request, parameter.Name!, commandType, parameter);
            used.Add(field.Name);
            var convert = ToClr(field, parameter.ParameterType, $"{commandType.Name}.{parameter.Name}");
            readers[i] = (message, _) => convert(field.Accessor.GetValue(message));
        }

        var unused = request.Fields.InDeclarationOrder().Where(f => !used.Contains(f.Name)).Select(f => f.Name).ToArray();
        if (unused.Length > 0)
        {
            throw new InvalidOperationException(
                $"{request.FullName} has field(s) {string.Join(", ", unused)} that {commandType.Name} does not take: add them to the command, or the request would be read only in part.");
        }

        return (message, caller) =>
        {
            var arguments = new object?[readers.Length];
            for (var i = 0; i < readers.Length; i++)
            {
                arguments[i] = readers[i](message, caller);
            }

            return constructor.Invoke(arguments);
        };
    }

    /// <summary>How to build a response message from a payload record: every field from the property of the same name.</summary>
    public static Func<object, IMessage> ResponseFactory(MessageDescriptor response, System.Type payloadType)
    {
        var writers = new List<Action<object, IMessage>>();
        foreach (var field in response.Fields.InDeclarationOrder())
        {
            var property = payloadType.GetProperty(field.PropertyName, BindingFlags.Public | BindingFlags.Instance)
                ?? throw new InvalidOperationException(
                    $"{response.FullName}.{field.Name} has no property {field.PropertyName} on {payloadType.Name} to come from: add it to the result, or the answer would be sent in part.");
            var convert = ToProto(field, property.PropertyType, $"{payloadType.Name}.{property.Name}");
            if (field.IsRepeated)
            {
                writers.Add((payload, message) =>
                {
                    var target = (IList)field.Accessor.GetValue(message);
                    if (property.GetValue(payload) is IEnumerable items)
                    {
                        foreach (var item in items)
                        {
                            target.Add(convert(item));
                        }
                    }
                });
            }
            else
            {
                writers.Add((payload, message) =>
                {
                    if (convert(property.GetValue(payload)) is { } value)
                    {
                        field.Accessor.SetValue(message, value);
                    }
                });
            }
        }

        var create = response.ClrType;
        return payload =>
        {
            var message = (IMessage)Activator.CreateInstance(create)!;
            foreach (var write in writers)
            {
                write(payload, message);
            }

            return message;
        };
    }

    private static ConstructorInfo SingleConstructor(System.Type type)
    {
        var constructors = type.GetConstructors();
        return constructors.Length == 1
            ? constructors[0]
            : throw new InvalidOperationException($"{type.Name} must have exactly one public constructor to be built from a request; it has {constructors.Length}.");
    }

    private static FieldDescriptor FieldOrThrow(MessageDescriptor message, string parameterName, System.Type owner, ParameterInfo parameter)
        => message.Fields.InDeclarationOrder().FirstOrDefault(f => string.Equals(f.PropertyName, parameterName, StringComparison.OrdinalIgnoreCase)
                                                                   || (parameter.ParameterType == typeof(RequestKey) && f.Name == parameterName))
           ?? throw new InvalidOperationException(
               $"{owner.Name}({parameter.ParameterType.Name} {parameter.Name}) has no field in {message.FullName} to come from (expected a field named {ToSnakeCase(parameter.Name!)}).");

    /// <summary>A proto field value (as the descriptor's accessor returns it) to a CLR type.</summary>
    private static Func<object?, object?> ToClr(FieldDescriptor field, System.Type target, string where)
    {
        if (field.IsRepeated)
        {
            var element = ElementType(target) ?? throw Mismatch(field, target, where);
            var convertElement = ToClrScalar(field, element, where);
            return value =>
            {
                var items = (IList)value!;
                var array = Array.CreateInstance(element, items.Count);
                for (var i = 0; i < items.Count; i++)
                {
                    array.SetValue(convertElement(items[i]), i);
                }

                return array;
            };
        }

        return ToClrScalar(field, target, where);
    }

    private static Func<object?, object?> ToClrScalar(FieldDescriptor field, System.Type target, string where)
    {
        var nullable = Nullable.GetUnderlyingType(target);
        var plain = nullable ?? target;
        switch (field.FieldType)
        {
            case FieldType.Message when field.MessageType.ClrType == typeof(Timestamp) && plain == typeof(DateTimeOffset):
                return value => value is Timestamp t ? ToDateTimeOffset(t, field) : nullable is null ? default(DateTimeOffset) : null;
            case FieldType.Message when field.MessageType.ClrType == typeof(Duration) && plain == typeof(TimeSpan):
                return value => value is Duration d ? d.ToTimeSpan() : nullable is null ? TimeSpan.Zero : null;
            case FieldType.Message:
                var nested = CommandFactory(field.MessageType, plain, []);
                return value => value is IMessage message ? nested(message, null) : null;
            case FieldType.Enum when plain.IsEnum:
                // By name, as the two enums are written. The zero value (UNSPECIFIED) is "not given": null where
                // the command can take null (a filter), else it passes as its number, like a number a newer
                // client may send, for the grain to refuse with its own reason.
                var unsetIsNull = nullable is not null;
                return value => unsetIsNull && Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == 0 ? null : ToDomainEnum(value!, plain);
            case FieldType.Bytes when plain == typeof(byte[]):
                return value => ((ByteString)value!).ToByteArray();
            default:
                var source = ScalarClrType(field.FieldType);
                if (source == plain)
                {
                    return value => value;
                }

                if (source == typeof(int) && plain == typeof(long))
                {
                    return value => (long)(int)value!;
                }

                throw Mismatch(field, target, where);
        }
    }

    /// <summary>A CLR value to what the descriptor's accessor takes for the field (one element for repeated fields).</summary>
    private static Func<object?, object?> ToProto(FieldDescriptor field, System.Type source, string where)
    {
        var plain = field.IsRepeated ? ElementType(source) ?? throw Mismatch(field, source, where) : source;
        plain = Nullable.GetUnderlyingType(plain) ?? plain;
        switch (field.FieldType)
        {
            case FieldType.Message when field.MessageType.ClrType == typeof(Timestamp) && plain == typeof(DateTimeOffset):
                return value => value is DateTimeOffset time ? Timestamp.FromDateTimeOffset(time) : null;
            case FieldType.Message when field.MessageType.ClrType == typeof(Duration) && plain == typeof(TimeSpan):
                return value => value is TimeSpan span ? Duration.FromTimeSpan(span) : null;
            case FieldType.Message:
                var nested = ResponseFactory(field.MessageType, plain);
                return value => value is null ? null : nested(value);
            case FieldType.Enum when plain.IsEnum:
                return value => value is null ? null : ConvertEnum(value, field.EnumType.ClrType, field, where);
            case FieldType.Bytes when plain == typeof(byte[]):
                return value => value is byte[] bytes ? ByteString.CopyFrom(bytes) : null;
            default:
                var target = ScalarClrType(field.FieldType);
                if (target == plain)
                {
                    return value => value;
                }

                if (target == typeof(long) && plain == typeof(int))
                {
                    return value => value is null ? null : (long)(int)value;
                }

                throw Mismatch(field, source, where);
        }
    }

    /// <summary>
    /// The proto enum's zero value when it means "not given" (a <c>..._UNSPECIFIED</c> with no counterpart in
    /// the CLR enum), read as null: proto3 cannot tell an unset enum from its zero. Such a field needs a
    /// nullable parameter, or every request leaving it unset would fail; that is refused at start.
    /// </summary>
    private static object ToDomainEnum(object value, System.Type target)
        => System.Enum.TryParse(target, value.ToString(), ignoreCase: true, out var named) && System.Enum.IsDefined(target, named!)
            ? named!
            : System.Enum.ToObject(target, Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A request's time, or INVALID_ARGUMENT naming the field when it is no time at all (protobuf would throw).</summary>
    private static DateTimeOffset ToDateTimeOffset(Timestamp time, FieldDescriptor field)
    {
        const long minSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z
        const long maxSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z
        return time is { Seconds: >= minSeconds and <= maxSeconds, Nanos: >= 0 and <= 999_999_999 }
            ? time.ToDateTimeOffset()
            : throw FailureMapping.ToRpc(TimeBank.Contracts.V1.ErrorReasons.InvalidTimestamp, ("field", field.Name));
    }

    private static object ConvertEnum(object value, System.Type target, FieldDescriptor field, string where)
    {
        var name = value.ToString()!;
        return System.Enum.TryParse(target, name, ignoreCase: true, out var converted)
            ? converted!
            : throw new InvalidOperationException($"{field.FullName} value {name} has no counterpart in {target.Name} ({where}).");
    }

    private static System.Type? ElementType(System.Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(IEnumerable).IsAssignableFrom(type) ? element : null;
    }

    private static System.Type ScalarClrType(FieldType type) => type switch
    {
        FieldType.String => typeof(string),
        FieldType.Bool => typeof(bool),
        FieldType.Double => typeof(double),
        FieldType.Float => typeof(float),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => typeof(long),
        FieldType.UInt64 or FieldType.Fixed64 => typeof(ulong),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => typeof(int),
        FieldType.UInt32 or FieldType.Fixed32 => typeof(uint),
        FieldType.Bytes => typeof(ByteString),
        FieldType.Enum => typeof(System.Enum),
        FieldType.Message or FieldType.Group => typeof(IMessage),
    };

    private static InvalidOperationException Mismatch(FieldDescriptor field, System.Type clrType, string where)
        => new($"{field.FullName} ({field.FieldType}) cannot be converted to or from {clrType.Name} ({where}).");

    private static string ToSnakeCase(string name)
        => string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
