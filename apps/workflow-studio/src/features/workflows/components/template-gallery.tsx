import { Alert, Badge, Button, Spinner } from '@auterity/design-system';
import { errorText } from '../../../utils/error-text';
import { useWorkflowTemplates, type WorkflowTemplate } from '../api/get-workflow-templates';

interface TemplateGalleryProps {
  /** Opens the create dialog with this template chosen. */
  onUse: (template: WorkflowTemplate) => void;
  canCreate: boolean;
}

/** The built-in starter workflows as cards, each with what it does and a button to start from it. */
export function TemplateGallery({ onUse, canCreate }: TemplateGalleryProps) {
  const templates = useWorkflowTemplates();
  if (!canCreate) return null;
  return (
    <section className="template-gallery" aria-labelledby="template-gallery-title" data-testid="template-gallery">
      <h2 id="template-gallery-title" className="template-gallery__title">
        Start from a template
      </h2>
      {templates.isPending ? <Spinner size="sm" label="Loading templates" /> : null}
      {templates.isError ? <Alert tone="error">{errorText(templates.error)}</Alert> : null}
      <ul className="template-gallery__cards">
        {(templates.data ?? []).map((template) => (
          <li key={template.id} className="template-card">
            <h3 className="template-card__name">{template.name}</h3>
            <p className="template-card__description">{template.description}</p>
            <p className="template-card__meta">
              <span className="muted small">{template.canvasData.nodes.length} nodes</span>
              {template.tags.map((tag) => (
                <Badge key={tag} tone="info">
                  {tag}
                </Badge>
              ))}
            </p>
            <Button
              variant="secondary"
              size="sm"
              data-testid={`use-template-${template.id}`}
              aria-label={`Use the template ${template.name}`}
              onClick={() => onUse(template)}
            >
              Use template
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
