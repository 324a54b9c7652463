// Property › Content › Translations (issues 21 and 22): the description and
// arrival instructions in another language of the guest app, one language at
// a time, saved by setPropertyTranslation (owners and managers; the front
// desk reads), and below them the room types, rate plans and fees in the same
// language (ItemTranslations.tsx). What a language leaves blank falls back to the property's own
// text, which the form above edits in the property's own language (not
// offered here: the database refuses it, LANGUAGE).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import LinearProgress from "@mui/material/LinearProgress";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import SaveIcon from "@mui/icons-material/Save";
import { useEffect, useState, type FormEvent } from "react";
import { useCanAccess, useDataProvider, useNotify } from "react-admin";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { ApiErrorAlert, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";
import { limits } from "./content.ts";
import { useLanguages } from "./languages.ts";
import { ItemTranslations } from "./ItemTranslations.tsx";
import type { GuestLanguage } from "./documents.ts";

export const translationsKey = (propertyId: string) => ["property", "translations", propertyId];

const blankToNull = (text: string) => (text.trim() === "" ? null : text.trim());

export function PropertyTranslations({ propertyId }: { propertyId: string }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const canEdit = useCanAccess({ resource: "property", action: "edit", record: { propertyId } }).canAccess ?? false;
  const query = useQuery({ queryKey: translationsKey(propertyId), queryFn: ({ signal }) => dataProvider.propertyTranslations({ propertyId }, { signal }) });
  // The guest-facing languages (allLanguages) but the property's own.
  const languages = useLanguages();
  const languageName = languages.name;
  const offered: GuestLanguage[] = languages.guestFacing.map((l) => l.code).filter((code) => code !== query.data?.language);
  const [language, setLanguage] = useState<GuestLanguage | null>(null);
  const [description, setDescription] = useState("");
  const [instructions, setInstructions] = useState("");
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const chosen = language && offered.includes(language) ? language : (offered[0] ?? null);
  const saved = query.data?.translations.find((t) => t.language === chosen) ?? null;
  // The fields show the chosen language's saved texts, and follow a reload until edited.
  useEffect(() => {
    if (dirty) return;
    setDescription(saved?.description ?? "");
    setInstructions(saved?.arrivalInstructions ?? "");
  }, [saved, chosen, dirty]);
  if (query.isPending || languages.query.isPending) return <LinearProgress />;
  if (query.isError) return <QueryError error={query.error} title="Could not load the property's translations" />;
  if (languages.query.isError) return <QueryError error={languages.query.error} title="Could not load the languages" />;
  if (!chosen) return null;
  const own = languageName(query.data.language);
  const name = languageName(chosen);
  const descriptionProblem = description.trim().length > limits.description ? `At most ${limits.description.toLocaleString("en")} characters (${description.trim().length.toLocaleString("en")} now).` : undefined;
  const instructionsProblem =
    instructions.trim().length > limits.arrivalInstructions ? `At most ${limits.arrivalInstructions.toLocaleString("en")} characters (${instructions.trim().length.toLocaleString("en")} now).` : undefined;
  const readOnly = !canEdit || saving;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving || descriptionProblem || instructionsProblem) return;
    setSaving(true);
    setError(null);
    try {
      const result = await dataProvider.setPropertyTranslation({ propertyId, language: chosen, description: blankToNull(description), arrivalInstructions: blankToNull(instructions) });
      queryClient.setQueryData(translationsKey(propertyId), {
        language: query.data.language,
        translations: [...query.data.translations.filter((t) => t.language !== chosen), ...(result ? [result] : [])],
      });
      setDirty(false);
      notify(result ? `${name} translation saved.` : `${name} translation removed: ${name} readers get the ${own} text.`, { type: "success" });
    } catch (caught) {
      setError(shownError(caught));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Box sx={{ minWidth: 0, maxWidth: 900 }}>
      <Box component="form" onSubmit={(e) => void submit(e)} noValidate data-testid="property-translations" sx={{ minWidth: 0 }}>
        <SectionHeading
          title="Translations"
          subtitle={`The description, arrival instructions, room types, rate plans and fees for guests who read in another language. What you leave blank, they read in ${own}, the property's own language (above).`}
        />
        <Stack spacing={2}>
          <TextField
            select
            label="Language"
            name="translationLanguage"
            value={chosen}
            onChange={(e) => {
              setLanguage(e.target.value);
              setDirty(false);
              setError(null);
            }}
            size="small"
            disabled={saving}
            helperText={saved ? undefined : `Not translated yet: ${name} readers see the ${own} text.`}
            sx={{ maxWidth: { sm: 420 } }}
          >
            {offered.map((code) => (
              <MenuItem key={code} value={code}>
                {languageName(code)}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            label={`Description in ${name}`}
            name="translationDescription"
            value={description}
            onChange={(e) => {
              setDirty(true);
              setDescription(e.target.value);
            }}
            multiline
            minRows={3}
            size="small"
            disabled={readOnly}
            error={!!descriptionProblem}
            helperText={descriptionProblem ?? (canEdit ? `${description.trim().length.toLocaleString("en")} of ${limits.description.toLocaleString("en")} characters` : undefined)}
          />
          <TextField
            label={`Arrival instructions in ${name}`}
            name="translationArrivalInstructions"
            value={instructions}
            onChange={(e) => {
              setDirty(true);
              setInstructions(e.target.value);
            }}
            multiline
            minRows={3}
            size="small"
            disabled={readOnly}
            error={!!instructionsProblem}
            helperText={instructionsProblem ?? (canEdit ? `${instructions.trim().length.toLocaleString("en")} of ${limits.arrivalInstructions.toLocaleString("en")} characters` : undefined)}
          />
          {error && <ApiErrorAlert title="The translation was not saved" error={error} />}
          {canEdit ? (
            <Stack direction="row" sx={{ flexWrap: "wrap", gap: 1, "& .MuiButton-root": { whiteSpace: "nowrap" } }}>
              <Button type="submit" variant="contained" startIcon={<SaveIcon />} disabled={saving || !!descriptionProblem || !!instructionsProblem} data-action="save-property-translation">
                Save {name}
              </Button>
              <Button disabled={saving || !dirty} onClick={() => setDirty(false)}>
                Discard changes
              </Button>
            </Stack>
          ) : (
            <Alert severity="info">Owners and managers write the translations.</Alert>
          )}
        </Stack>
      </Box>
      <ItemTranslations propertyId={propertyId} language={chosen} languageName={name} ownName={own} canEdit={canEdit} />
    </Box>
  );
}
