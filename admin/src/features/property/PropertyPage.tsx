// Property › Content: what guests read about the property (description,
// photos in order, amenities, check-in and check-out times, contact,
// arrival instructions, the language they are written to in; where it is
// and its policies for children, pets, parking and smoking, issue 22), edited by
// owners and managers and saved in one mutation (updatePropertyByRowId:
// all fields or none), beside a live preview of the guest app's property
// card. The front desk reads it (it answers guests' questions from it);
// housekeeping has no menu entry (access.ts: property). The database checks
// every value (properties_*_check); the form names the field first
// (content.ts) and shows the API's typed error when it refuses anyway.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Checkbox from "@mui/material/Checkbox";
import FormControl from "@mui/material/FormControl";
import FormControlLabel from "@mui/material/FormControlLabel";
import FormGroup from "@mui/material/FormGroup";
import FormHelperText from "@mui/material/FormHelperText";
import FormLabel from "@mui/material/FormLabel";
import IconButton from "@mui/material/IconButton";
import LinearProgress from "@mui/material/LinearProgress";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import AddPhotoAlternateIcon from "@mui/icons-material/AddPhotoAlternate";
import ArrowDownwardIcon from "@mui/icons-material/ArrowDownward";
import ArrowUpwardIcon from "@mui/icons-material/ArrowUpward";
import DeleteIcon from "@mui/icons-material/Delete";
import SaveIcon from "@mui/icons-material/Save";
import { useEffect, useState, type FormEvent } from "react";
import { Title, useCanAccess, useDataProvider, useNotify } from "react-admin";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { ApiErrorAlert, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { formatMoney, formatTimestamp } from "../../ui/format.ts";
import { MoneyField } from "../../ui/MoneyField.tsx";
import { QueryError, SectionHeading, WithProperty } from "../../ui/Section.tsx";
import {
  amenityCodes, amenityLabel, chargePerLabels, contentForm, contentPatch, contentProblems, limits, movePhoto, parkingLabels, parkingLocationLabels,
  petsLabels, policySummary, smokingLabels, validPhotoUrl, type ContentForm,
} from "./content.ts";
import type { GuestLanguage, PropertyContentNode } from "./documents.ts";
import { propertyLanguageLabel, useLanguages } from "./languages.ts";
import { PreviewMap } from "./PreviewMap.tsx";
import { PropertyTranslations, translationsKey } from "./PropertyTranslations.tsx";

export const propertyPagePath = "/property";
const contentKey = (propertyId: string) => ["property", "content", propertyId];

export function PropertyPage() {
  const { canAccess, isPending } = useCanAccess({ resource: "property", action: "show" });
  return (
    <Card sx={{ mt: 1, minWidth: 0 }}>
      <Title title="Property · Content" />
      <CardContent>
        {isPending ? null : !canAccess ? (
          <Alert severity="warning">The property's content is for its owners, managers and front desk.</Alert>
        ) : (
          <WithProperty>
            {(membership) => (
              <Stack spacing={4}>
                <PropertyContent membership={membership} />
                <PropertyTranslations propertyId={membership.propertyId} />
              </Stack>
            )}
          </WithProperty>
        )}
      </CardContent>
    </Card>
  );
}

const valuesOf = contentForm;

function PropertyContent({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const languages = useLanguages();
  const propertyId = membership.propertyId;
  const canEdit = useCanAccess({ resource: "property", action: "edit", record: { propertyId } }).canAccess ?? false;
  const query = useQuery({ queryKey: contentKey(propertyId), queryFn: ({ signal }) => dataProvider.propertyContent({ propertyId }, { signal }) });
  const [values, setValues] = useState<ContentForm | null>(null);
  const [newPhoto, setNewPhoto] = useState("");
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const [tried, setTried] = useState(false);
  // The form starts from the saved content, and follows a reload of it until it is edited.
  const [dirty, setDirty] = useState(false);
  // The version the form was filled from: a save says it, so one made after
  // someone else's (a live reload while editing) is refused, not a silent overwrite.
  const [readAt, setReadAt] = useState<string | null>(null);
  useEffect(() => {
    if (query.data && !dirty) {
      setValues(valuesOf(query.data));
      setReadAt(query.data.updatedAt);
    }
  }, [query.data, dirty]);
  if (query.isPending || (query.data && !values)) return <LinearProgress />;
  if (query.isError) return <QueryError error={query.error} title="Could not load the property's content" />;
  if (!values) return <LinearProgress />;
  const property = query.data;
  const problems = contentProblems(values, property.currency);
  const hasProblems = Object.keys(problems).length > 0;
  const photoProblem = newPhoto.trim() && !validPhotoUrl(newPhoto.trim()) ? "A path on this server (/photos/…) or an https:// address, without spaces or quotes." : null;
  const set = <K extends keyof ContentForm>(field: K, value: ContentForm[K]) => {
    setDirty(true);
    setValues((v) => (v ? { ...v, [field]: value } : v));
  };
  const addPhoto = () => {
    const url = newPhoto.trim();
    if (!url || photoProblem) return;
    set("photoUrls", [...values.photoUrls, url]);
    setNewPhoto("");
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (saving || hasProblems) return;
    setSaving(true);
    setError(null);
    try {
      const saved = await dataProvider.savePropertyContent({ propertyId, expectedUpdatedAt: readAt ?? property.updatedAt, values: contentPatch(values, property.currency) });
      queryClient.setQueryData(contentKey(propertyId), saved);
      // The property's own language may have changed: the translations offer the others.
      void queryClient.invalidateQueries({ queryKey: translationsKey(propertyId) });
      setValues(valuesOf(saved));
      setReadAt(saved.updatedAt);
      setDirty(false);
      setTried(false);
      notify("Property content saved. Guests see it now.", { type: "success" });
    } catch (caught) {
      setError(shownError(caught));
    } finally {
      setSaving(false);
    }
  };
  const shown = (field: keyof ContentForm) => (tried || dirty ? problems[field] : undefined);
  const readOnly = !canEdit || saving;
  // The read-only view (the front desk) drops the editing hints: grey text on disabled fields is unreadable.
  const hint = (text: string) => (canEdit ? text : undefined);
  return (
    <Box sx={{ display: "grid", gap: 3, gridTemplateColumns: { xs: "minmax(0, 1fr)", lg: "minmax(0, 3fr) minmax(0, 2fr)" }, alignItems: "start" }}>
      <Box component="form" onSubmit={(e) => void submit(e)} noValidate data-testid="property-content" sx={{ minWidth: 0 }}>
        <SectionHeading
          title={`${property.name} · what guests read`}
          subtitle={`Shown in the guest app and the guest emails. Last changed ${formatTimestamp(property.updatedAt, membership.timeZone)}.`}
        />
        {!canEdit && (
          <Alert severity="info" sx={{ mb: 2 }} data-testid="property-read-only">
            Owners and managers change the property's content; you can read it.
          </Alert>
        )}
        <Stack spacing={2.5}>
          <TextField
            label="Description"
            name="description"
            value={values.description ?? ""}
            onChange={(e) => set("description", e.target.value)}
            multiline
            minRows={4}
            size="small"
            disabled={readOnly}
            error={!!shown("description")}
            helperText={shown("description") ?? hint(`${(values.description ?? "").trim().length.toLocaleString("en")} of ${limits.description.toLocaleString("en")} characters`)}
          />
          <FormControl component="fieldset" error={!!shown("photoUrls")}>
            <FormLabel component="legend">Photos (the first is the one guests see first)</FormLabel>
            <Stack spacing={1} sx={{ mt: 1 }} data-testid="photos">
              {values.photoUrls.length === 0 && (
                <Typography variant="body2" color="text.secondary">
                  No photos yet.
                </Typography>
              )}
              {values.photoUrls.map((url, i) => (
                <Stack key={`${i}-${url}`} direction="row" spacing={1} sx={{ alignItems: "center", minWidth: 0 }} data-testid="photo" data-url={url}>
                  <PhotoThumb url={url} index={i} />
                  <Typography variant="body2" sx={{ flex: 1, minWidth: 0, overflowWrap: "anywhere" }}>
                    {url}
                  </Typography>
                  {canEdit && (
                    <>
                      <IconButton size="small" aria-label={`Move photo ${i + 1} up`} disabled={readOnly || i === 0} onClick={() => set("photoUrls", movePhoto(values.photoUrls, i, i - 1))}>
                        <ArrowUpwardIcon fontSize="small" />
                      </IconButton>
                      <IconButton
                        size="small"
                        aria-label={`Move photo ${i + 1} down`}
                        disabled={readOnly || i === values.photoUrls.length - 1}
                        onClick={() => set("photoUrls", movePhoto(values.photoUrls, i, i + 1))}
                      >
                        <ArrowDownwardIcon fontSize="small" />
                      </IconButton>
                      <IconButton size="small" aria-label={`Remove photo ${i + 1}`} disabled={readOnly} onClick={() => set("photoUrls", values.photoUrls.filter((_, j) => j !== i))}>
                        <DeleteIcon fontSize="small" />
                      </IconButton>
                    </>
                  )}
                </Stack>
              ))}
              {canEdit && (
                <Stack direction={{ xs: "column", sm: "row" }} spacing={1} sx={{ alignItems: { sm: "flex-start" } }}>
                  <TextField
                    label="Photo address"
                    value={newPhoto}
                    onChange={(e) => setNewPhoto(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === "Enter") {
                        e.preventDefault();
                        addPhoto();
                      }
                    }}
                    size="small"
                    fullWidth
                    disabled={readOnly || values.photoUrls.length >= limits.photos}
                    error={!!photoProblem}
                    helperText={photoProblem ?? `https://… or /photos/…; at most ${limits.photos} photos`}
                    slotProps={{ htmlInput: { maxLength: limits.photoUrl, inputMode: "url" } }}
                  />
                  <Button
                    variant="outlined"
                    startIcon={<AddPhotoAlternateIcon />}
                    onClick={addPhoto}
                    disabled={readOnly || !newPhoto.trim() || !!photoProblem || values.photoUrls.length >= limits.photos}
                    sx={{ flexShrink: 0 }}
                  >
                    Add photo
                  </Button>
                </Stack>
              )}
            </Stack>
            {shown("photoUrls") && <FormHelperText>{shown("photoUrls")}</FormHelperText>}
          </FormControl>
          <FormControl component="fieldset" error={!!shown("amenities")}>
            <FormLabel component="legend">Amenities</FormLabel>
            <FormGroup sx={{ display: "grid", gridTemplateColumns: { xs: "repeat(2, minmax(0, 1fr))", sm: "repeat(3, minmax(0, 1fr))" } }} data-testid="amenities">
              {[...amenityCodes, ...values.amenities.filter((c) => !amenityCodes.includes(c))].map((code) => (
                <FormControlLabel
                  key={code}
                  disabled={readOnly}
                  control={
                    <Checkbox
                      size="small"
                      checked={values.amenities.includes(code)}
                      onChange={(e) => set("amenities", e.target.checked ? [...values.amenities, code] : values.amenities.filter((c) => c !== code))}
                      name={code}
                    />
                  }
                  label={amenityLabel(code)}
                />
              ))}
            </FormGroup>
            {shown("amenities") && <FormHelperText>{shown("amenities")}</FormHelperText>}
          </FormControl>
          <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
            <TextField
              label="Check-in from"
              type="time"
              name="checkInTime"
              value={values.checkInTime}
              onChange={(e) => set("checkInTime", e.target.value)}
              size="small"
              disabled={readOnly}
              error={!!shown("checkInTime")}
              helperText={shown("checkInTime") ?? hint("Local time; cancellation deadlines count back from it")}
              slotProps={{ inputLabel: { shrink: true } }}
              fullWidth
            />
            <TextField
              label="Check-out until"
              type="time"
              name="checkOutTime"
              value={values.checkOutTime}
              onChange={(e) => set("checkOutTime", e.target.value)}
              size="small"
              disabled={readOnly}
              error={!!shown("checkOutTime")}
              helperText={shown("checkOutTime") ?? hint("Local time")}
              slotProps={{ inputLabel: { shrink: true } }}
              fullWidth
            />
          </Stack>
          <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
            <TextField
              label="Contact email"
              name="contactEmail"
              type="email"
              value={values.contactEmail ?? ""}
              onChange={(e) => set("contactEmail", e.target.value)}
              size="small"
              disabled={readOnly}
              error={!!shown("contactEmail")}
              helperText={shown("contactEmail") ?? hint("Guests write to it; guest emails reply to it")}
              slotProps={{ htmlInput: { maxLength: limits.email } }}
              fullWidth
            />
            <TextField
              label="Contact phone"
              name="contactPhone"
              type="tel"
              value={values.contactPhone ?? ""}
              onChange={(e) => set("contactPhone", e.target.value)}
              size="small"
              disabled={readOnly}
              error={!!shown("contactPhone")}
              helperText={shown("contactPhone") ?? hint("With the country code, e.g. +351 21 000 0000")}
              slotProps={{ htmlInput: { maxLength: 40 } }}
              fullWidth
            />
          </Stack>
          <TextField
            label="Arrival instructions"
            name="arrivalInstructions"
            value={values.arrivalInstructions ?? ""}
            onChange={(e) => set("arrivalInstructions", e.target.value)}
            multiline
            minRows={3}
            size="small"
            disabled={readOnly}
            error={!!shown("arrivalInstructions")}
            helperText={
              shown("arrivalInstructions")
              ?? hint(`In the confirmation and pre-arrival emails: keys, parking, how to find the door (door codes go later). ${(values.arrivalInstructions ?? "").trim().length.toLocaleString("en")} of ${limits.arrivalInstructions.toLocaleString("en")} characters`)
            }
          />
          <TextField
            select
            label="Guests are written to in"
            name="language"
            value={values.language}
            onChange={(e) => set("language", e.target.value as GuestLanguage)}
            size="small"
            disabled={readOnly}
            sx={{ maxWidth: { sm: 420 } }}
          >
            {languages.all.map((l) => (
              <MenuItem key={l.code} value={l.code}>
                {propertyLanguageLabel(l)}
              </MenuItem>
            ))}
            {/* Until the list has come, the property's own language, so the field is never blank. */}
            {!languages.all.some((l) => l.code === values.language) && <MenuItem value={values.language}>{values.language}</MenuItem>}
          </TextField>
          <PlaceFields values={values} set={set} shown={shown} readOnly={readOnly} hint={hint} currency={property.currency} />
          {error && <ApiErrorAlert title="The content was not saved" error={error} />}
          {tried && hasProblems && (
            <Alert severity="error" data-testid="content-problems">
              Nothing was saved: {Object.keys(problems).length === 1 ? "one field needs" : `${Object.keys(problems).length} fields need`} a change (marked in red).
            </Alert>
          )}
          {canEdit && (
            <Stack direction="row" spacing={1}>
              <Button type="submit" variant="contained" startIcon={<SaveIcon />} disabled={saving} data-action="save-property-content">
                Save content
              </Button>
              <Button
                disabled={saving || !dirty}
                onClick={() => {
                  setValues(valuesOf(property));
                  setReadAt(property.updatedAt);
                  setDirty(false);
                  setTried(false);
                  setError(null);
                }}
              >
                Discard changes
              </Button>
            </Stack>
          )}
        </Stack>
      </Box>
      <GuestPreview property={property} values={values} />
    </Box>
  );
}

function PhotoThumb({ url, index }: { url: string; index: number }) {
  const [failed, setFailed] = useState(false);
  useEffect(() => setFailed(false), [url]);
  return failed ? (
    <Box sx={{ width: 64, height: 48, flexShrink: 0, display: "grid", placeItems: "center", bgcolor: "action.hover", borderRadius: 1 }}>
      <Typography variant="caption" color="error">
        No image
      </Typography>
    </Box>
  ) : (
    <Box
      component="img"
      src={url}
      alt={`Photo ${index + 1}`}
      onError={() => setFailed(true)}
      sx={{ width: 64, height: 48, flexShrink: 0, objectFit: "cover", borderRadius: 1, bgcolor: "action.hover" }}
    />
  );
}

/**
 * The property card as the guest app shows it in its search results
 * (web/src/pages/Search.tsx: name, address, description, amenities, the
 * times, the policies' contact line) and what the confirmation email adds
 * (the arrival instructions), from the form's values as typed.
 */
function GuestPreview({ property, values }: { property: PropertyContentNode; values: ContentForm }) {
  const languages = useLanguages();
  const patch = contentPatch(values, property.currency);
  const policies = policySummary(patch, (minor) => formatMoney(minor, property.currency));
  const [photo, setPhoto] = useState(0);
  const count = patch.photoUrls.length;
  const current = count > 0 ? patch.photoUrls[photo % count]! : null;
  return (
    <Box component="section" aria-labelledby="guest-preview-heading" sx={{ position: { lg: "sticky" }, top: { lg: 72 }, minWidth: 0 }} data-testid="guest-preview">
      <Typography id="guest-preview-heading" variant="h6" component="h2" sx={{ mb: 1 }}>
        Guest app preview
      </Typography>
      <Card variant="outlined">
        {current ? (
          <Box sx={{ position: "relative", aspectRatio: "4 / 3", bgcolor: "action.hover" }}>
            <Box component="img" src={current} alt={`${property.name}, photo ${(photo % count) + 1} of ${count}`} sx={{ width: "100%", height: "100%", objectFit: "cover", display: "block" }} />
            {count > 1 && (
              <Button
                size="small"
                variant="contained"
                color="inherit"
                onClick={() => setPhoto((p) => p + 1)}
                sx={{ position: "absolute", right: 8, bottom: 8 }}
                aria-label={`${(photo % count) + 1} / ${count}: next photo of ${property.name}`}
              >
                {(photo % count) + 1} / {count} ›
              </Button>
            )}
          </Box>
        ) : (
          <Box sx={{ aspectRatio: "4 / 3", bgcolor: "action.hover", display: "grid", placeItems: "center" }}>
            <Typography variant="body2" color="text.secondary">
              No photo: guests see an empty frame
            </Typography>
          </Box>
        )}
        <CardContent>
          <Typography variant="h6" component="h3">
            {property.name}
          </Typography>
          <Typography variant="body2" color="text.secondary" gutterBottom>
            {property.address ?? property.city}
          </Typography>
          {patch.description && (
            <Typography variant="body2" sx={{ whiteSpace: "pre-line", mb: 1 }} data-testid="preview-description">
              {patch.description}
            </Typography>
          )}
          {patch.amenities.length > 0 && (
            <Box component="ul" aria-label={`Amenities: ${property.name}`} sx={{ display: "flex", flexWrap: "wrap", gap: 0.75, p: 0, m: 0, mb: 1, listStyle: "none" }} data-testid="preview-amenities">
              {patch.amenities.map((code) => (
                <Box component="li" key={code} sx={{ px: 1, py: 0.25, borderRadius: 4, border: 1, borderColor: "divider", typography: "body2" }}>
                  {amenityLabel(code)}
                </Box>
              ))}
            </Box>
          )}
          <Typography variant="body2" color="text.secondary" data-testid="preview-times">
            Check-in from {values.checkInTime.slice(0, 5)} · check-out until {values.checkOutTime.slice(0, 5)}
          </Typography>
          {policies.length > 0 && (
            <Box component="dl" sx={{ m: 0, mt: 1, display: "grid", gridTemplateColumns: "auto 1fr", columnGap: 1.5, typography: "body2" }} data-testid="preview-policies">
              {policies.map(([label, text]) => (
                <Box key={label} sx={{ display: "contents" }}>
                  <Box component="dt" sx={{ color: "text.secondary" }}>{label}</Box>
                  <Box component="dd" sx={{ m: 0 }}>{text}</Box>
                </Box>
              ))}
            </Box>
          )}
          <Typography variant="body2" sx={{ mt: 1 }} data-testid="preview-contact">
            {patch.contactPhone || patch.contactEmail
              ? `Contact: ${[patch.contactPhone, patch.contactEmail].filter(Boolean).join(" · ")}`
              : "No contact shown: guests cannot call or write to the property"}
          </Typography>
          {patch.latitude !== null && patch.longitude !== null ? (
            <PreviewMap latitude={patch.latitude} longitude={patch.longitude} name={property.name} />
          ) : (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }} data-testid="preview-no-location">
              No location: guests see the address and a link that searches for it in maps.
            </Typography>
          )}
          {!property.isPublished && (
            <Alert severity="info" sx={{ mt: 1 }}>
              This property is not published: guests cannot find it yet.
            </Alert>
          )}
        </CardContent>
      </Card>
      <Typography variant="subtitle2" component="h3" sx={{ mt: 2 }}>
        In the confirmation email ({languages.name(values.language)})
      </Typography>
      <Typography variant="body2" sx={{ whiteSpace: "pre-line" }} color={patch.arrivalInstructions ? "text.primary" : "text.secondary"} data-testid="preview-arrival">
        {patch.arrivalInstructions ?? "No arrival instructions: the email says only when check-in opens."}
      </Typography>
    </Box>
  );
}

/**
 * Where the property is and its policies (issue 22): the location in
 * degrees (both or neither), then one choice per policy with its details
 * shown only when they apply; "Not stated" leaves it to guests to ask.
 */
function PlaceFields({ values, set, shown, readOnly, hint, currency }: {
  values: ContentForm;
  set: <K extends keyof ContentForm>(field: K, value: ContentForm[K]) => void;
  shown: (field: keyof ContentForm) => string | undefined;
  readOnly: boolean;
  hint: (text: string) => string | undefined;
  currency: string;
}) {
  const choice = <T extends string>(label: string, name: keyof ContentForm, value: T | "", options: Record<T, string>, onChange: (v: T | "") => void) => (
    <TextField select label={label} name={name} value={value} onChange={(e) => onChange(e.target.value as T | "")} size="small" disabled={readOnly} fullWidth>
      <MenuItem value="">Not stated</MenuItem>
      {(Object.entries(options) as Array<[T, string]>).map(([code, text]) => (
        <MenuItem key={code} value={code}>
          {text}
        </MenuItem>
      ))}
    </TextField>
  );
  const per = (label: string, name: keyof ContentForm, value: ContentForm["petFeePer"], onChange: (v: ContentForm["petFeePer"]) => void) => (
    <TextField select label={label} name={name} value={value} onChange={(e) => onChange(e.target.value as ContentForm["petFeePer"])} size="small" disabled={readOnly} sx={{ minWidth: 180 }}>
      {(Object.entries(chargePerLabels) as Array<[ContentForm["petFeePer"], string]>).map(([code, text]) => (
        <MenuItem key={code} value={code}>
          {text}
        </MenuItem>
      ))}
    </TextField>
  );
  const pets = values.petsPolicy === "yes" || values.petsPolicy === "on_request";
  const parking = values.parkingPolicy === "free" || values.parkingPolicy === "paid";
  return (
    <>
      <FormControl component="fieldset" data-testid="property-location">
        <FormLabel component="legend">Location on the map</FormLabel>
        <Stack direction={{ xs: "column", sm: "row" }} spacing={2} sx={{ mt: 1 }}>
          <TextField
            label="Latitude"
            name="latitude"
            value={values.latitude}
            onChange={(e) => set("latitude", e.target.value)}
            size="small"
            disabled={readOnly}
            error={!!shown("latitude")}
            helperText={shown("latitude") ?? hint("Degrees, north positive: 38.7075")}
            slotProps={{ htmlInput: { inputMode: "decimal", maxLength: 16 } }}
            fullWidth
          />
          <TextField
            label="Longitude"
            name="longitude"
            value={values.longitude}
            onChange={(e) => set("longitude", e.target.value)}
            size="small"
            disabled={readOnly}
            error={!!shown("longitude")}
            helperText={shown("longitude") ?? hint("Degrees, east positive: -9.1364")}
            slotProps={{ htmlInput: { inputMode: "decimal", maxLength: 16 } }}
            fullWidth
          />
        </Stack>
      </FormControl>
      <FormControl component="fieldset" data-testid="property-policies">
        <FormLabel component="legend">Policies guests read (each in their language)</FormLabel>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
            {choice("Children", "children", values.children, { yes: "Allowed", no: "Not allowed" }, (v) => set("children", v))}
            {values.children === "yes" && (
              <TextField
                label="From age"
                name="childrenMinAge"
                value={values.childrenMinAge}
                onChange={(e) => set("childrenMinAge", e.target.value)}
                size="small"
                disabled={readOnly}
                error={!!shown("childrenMinAge")}
                helperText={shown("childrenMinAge") ?? hint("Empty: any age")}
                slotProps={{ htmlInput: { inputMode: "numeric", maxLength: 2 } }}
                fullWidth
              />
            )}
          </Stack>
          <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
            {choice("Pets", "petsPolicy", values.petsPolicy, petsLabels, (v) => set("petsPolicy", v))}
            {pets && (
              <>
                <MoneyField label="Pet fee" name="petFee" value={values.petFee} onChange={(v) => set("petFee", v)} currency={currency} disabled={readOnly} helperText={shown("petFee") ?? hint("Empty: pets stay free")} />
                {per("Pet fee counted", "petFeePer", values.petFeePer, (v) => set("petFeePer", v))}
              </>
            )}
          </Stack>
          <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
            {choice("Car parking", "parkingPolicy", values.parkingPolicy, parkingLabels, (v) => set("parkingPolicy", v))}
            {values.parkingPolicy === "paid" && (
              <>
                <MoneyField label="Parking price" name="parkingPrice" value={values.parkingPrice} onChange={(v) => set("parkingPrice", v)} currency={currency} disabled={readOnly} required helperText={shown("parkingPrice")} />
                {per("Parking price counted", "parkingPricePer", values.parkingPricePer, (v) => set("parkingPricePer", v))}
              </>
            )}
          </Stack>
          {parking && (
            <Stack direction={{ xs: "column", sm: "row" }} spacing={2} sx={{ alignItems: { sm: "center" } }}>
              <TextField
                select
                label="Where"
                name="parkingLocation"
                value={values.parkingLocation}
                onChange={(e) => set("parkingLocation", e.target.value as ContentForm["parkingLocation"])}
                size="small"
                disabled={readOnly}
                fullWidth
              >
                {(Object.entries(parkingLocationLabels) as Array<[ContentForm["parkingLocation"], string]>).map(([code, text]) => (
                  <MenuItem key={code} value={code}>
                    {text}
                  </MenuItem>
                ))}
              </TextField>
              <FormControlLabel
                disabled={readOnly}
                sx={{ flexShrink: 0 }}
                control={<Checkbox size="small" name="parkingReservationRequired" checked={values.parkingReservationRequired} onChange={(e) => set("parkingReservationRequired", e.target.checked)} />}
                label="Guests must reserve a space"
              />
            </Stack>
          )}
          {choice("Smoking", "smokingPolicy", values.smokingPolicy, smokingLabels, (v) => set("smokingPolicy", v))}
        </Stack>
      </FormControl>
    </>
  );
}
