// Tab completion and value sets for parameters.

using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace GraphProfile
{
    /// <summary>The 19 facet names for -Kind, as libgraph_profile knows them.</summary>
    public sealed class FacetNameSet : IValidateSetValuesGenerator
    {
        /// <inheritdoc/>
        public string[] GetValidValues()
        {
            return Native.Connection.FacetNames();
        }
    }

    /// <summary>
    /// Completes -AllowedAudiences.  Only a help for typing: the core checks the value and
    /// refuses an unknown audience with an error naming the field, so a CSV row with a bad
    /// audience fails alone, with the same ErrorId as every other invalid field.
    /// </summary>
    public sealed class AudienceCompleter : IArgumentCompleter
    {
        private static readonly string[] Audiences =
        {
            "me", "family", "contacts", "groupMembers", "organization", "federatedOrganizations",
            "everyone",
        };

        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName,
            string parameterName,
            string wordToComplete,
            CommandAst commandAst,
            IDictionary fakeBoundParameters)
        {
            string typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return Audiences
                .Where(name => name.StartsWith(typed, System.StringComparison.OrdinalIgnoreCase))
                .Select(name => new CompletionResult(
                    name, name, CompletionResultType.ParameterValue, name));
        }
    }
}
