// Property › Content › Translations, below the property's own texts (issues
// 21 and 22): each room type's name and description, each rate plan's name
// and description, each fee's name, in the language chosen above. Each is
// saved alone (setRoomTypeTranslation, setRatePlanTranslation,
// setFeeTranslation: saving the same texts again changes nothing); what is
// left blank, guests read in the item's own text. Owners and managers write;
// the front desk reads (fields disabled, no Save).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import LinearProgress from "@mui/material/LinearProgress";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import SaveIcon from "@mui/icons-material/Save";
import { useState, type FormEvent } from "react";
import { useDataProvider, useNotify } from "react-admin";
import type { GuestLanguage as AppLanguage } from "./documents.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { ApiErrorAlert, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { QueryError } from "../../ui/Section.tsx";
import type { TranslatedItem, TranslatedKind } from "./data.ts";

export const itemTranslationsKey = (propertyId: string) => ["property", "item-translations", propertyId];

/** The database's limits (room_type_translations and its siblings). */
const limits = { name: 200, description: 5000 };
const kindNames: Record<TranslatedKind, string> = { roomType: "Room type", ratePlan: "Rate plan", fee: "Fee", extra: "Extra" };
const blankToNull = (text: string) => (text.trim() === "" ? null : text.trim());
const tooLong = (text: string, limit: number) =>
  text.trim().length > limit ? `At most ${limit.toLocaleString("en")} characters (${text.trim().length.toLocaleString("en")} now).` : undefined;

export function ItemTranslations({ propertyId, language, languageName, ownName, canEdit }: {
  propertyId: string;
  language: AppLanguage;
  languageName: string;
  ownName: string;
  canEdit: boolean;
}) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const query = useQuery({ queryKey: itemTranslationsKey(propertyId), queryFn: ({ signal }) => dataProvider.itemTranslations({ propertyId }, { signal }) });
  if (query.isPending) return <LinearProgress />;
  if (query.isError) return <QueryError error={query.error} title="Could not load the room types, rate plans, fees and extras" />;
  if (query.data.length === 0) return null;
  return (
    <Box data-testid="item-translations" sx={{ mt: 3 }}>
      <Typography component="h3" variant="subtitle1" sx={{ fontWeight: 600 }}>
        Room types, rate plans, fees and extras in {languageName}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        What you leave blank, {languageName} readers see in {ownName}, as it is written.
      </Typography>
      <Stack spacing={2}>
        {query.data.map((item) => (
          <ItemForm key={`${item.kind}:${item.rowId}:${language}`} propertyId={propertyId} item={item} language={language} languageName={languageName} canEdit={canEdit} />
        ))}
      </Stack>
    </Box>
  );
}

function ItemForm({ propertyId, item, language, languageName, canEdit }: {
  propertyId: string;
  item: TranslatedItem;
  language: AppLanguage;
  languageName: string;
  canEdit: boolean;
}) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const saved = item.translations.find((t) => t.language === language) ?? null;
  const [name, setName] = useState(saved?.name ?? "");
  const [description, setDescription] = useState(saved?.description ?? "");
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const described = item.description !== undefined;
  const nameProblem = tooLong(name, limits.name);
  const descriptionProblem = described ? tooLong(description, limits.description) : undefined;
  const dirty = name !== (saved?.name ?? "") || (described && description !== (saved?.description ?? ""));
  const readOnly = !canEdit || saving;
  const title = `${kindNames[item.kind]} ${item.label}`;
  const fieldId = `${item.kind}-${item.rowId}`;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving || nameProblem || descriptionProblem) return;
    setSaving(true);
    setError(null);
    try {
      const result = await dataProvider.setItemTranslation({
        kind: item.kind, id: item.rowId, language, name: blankToNull(name), description: described ? blankToNull(description) : null,
      });
      // The fields show what was saved (trimmed), and the list is read again.
      setName(result?.name ?? "");
      setDescription(result?.description ?? "");
      await queryClient.invalidateQueries({ queryKey: itemTranslationsKey(propertyId) });
      notify(result ? `${item.label}: ${languageName} saved.` : `${item.label}: ${languageName} removed, readers see its own text.`, { type: "success" });
    } catch (caught) {
      setError(shownError(caught));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Box
      component="form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={`${title} in ${languageName}`}
      data-item={item.label}
      sx={{ border: 1, borderColor: "divider", borderRadius: 1, p: 1.5, minWidth: 0 }}
    >
      <Typography variant="body2" sx={{ fontWeight: 600, mb: 1, overflowWrap: "anywhere" }}>
        {title}
      </Typography>
      <Stack spacing={1.5}>
        <TextField
          id={`${fieldId}-name`}
          label={`Name in ${languageName}`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          size="small"
          disabled={readOnly}
          placeholder={item.name}
          error={!!nameProblem}
          helperText={nameProblem ?? (canEdit && !saved?.name ? `Not translated: shown as “${item.name}”.` : undefined)}
        />
        {described ? (
          <TextField
            id={`${fieldId}-description`}
            label={`Description in ${languageName}`}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            multiline
            minRows={2}
            size="small"
            disabled={readOnly}
            error={!!descriptionProblem}
            helperText={descriptionProblem ?? (!canEdit ? undefined : item.description ? (saved?.description ? undefined : "Not translated: shown in its own text.") : "It has no description of its own.")}
          />
        ) : null}
        {error && <ApiErrorAlert title="The translation was not saved" error={error} />}
        {canEdit ? (
          <Stack direction="row" sx={{ flexWrap: "wrap", gap: 1, "& .MuiButton-root": { whiteSpace: "nowrap" } }}>
            <Button type="submit" size="small" variant="outlined" startIcon={<SaveIcon />} disabled={saving || !dirty || !!nameProblem || !!descriptionProblem} aria-label={`Save ${title} in ${languageName}`}>
              Save
            </Button>
          </Stack>
        ) : null}
      </Stack>
    </Box>
  );
}
