/* global CKEDITOR */
// Every picture in an article body is described for readers who cannot see it, or marked
// decorative (role="presentation", empty alt: screen readers skip it). The server refuses to
// save a body with a picture that is neither (ArticleAdminForm.clean_body); this asks first:
// - the image dialog gets a "Decorative" box, and will not close on OK until the picture has
//   alternative text or the box is ticked;
// - a picture just uploaded (the "Upload image" button, or pasted or dropped into the text)
//   opens that dialog at once, one picture after another.
// Pictures still undescribed are outlined in the editor (static/css/admin.css).
;(() => {
  const DECORATIVE = "presentation"
  const IMAGE = 1 // what the image dialog sets up and commits: the <img> itself
  const NARROW = "(max-width: 600px)" // as in static/css/admin.css

  // Static files are not translated by Django: the texts follow the editor's language, which
  // django-ckeditor sets from the admin's.
  const LABELS = {
    en: {
      decorative: "Decorative: it adds nothing a reader would miss (screen readers skip it)",
      help: "Describe what the picture shows for readers who cannot see it, or tick “Decorative”.",
      missing:
        "Alternative text is needed: describe what the picture shows, or tick “Decorative”.",
    },
    zh: {
      decorative: "装饰性图片：不承载读者需要的信息（读屏软件将跳过）",
      help: "请为看不到图片的读者描述图片内容，或勾选“装饰性图片”。",
      missing: "需要替代文本：请描述图片内容，或勾选“装饰性图片”。",
    },
  }

  function labels(editor) {
    return (editor.langCode || "").toLowerCase().startsWith("zh") ? LABELS.zh : LABELS.en
  }

  function isDescribed(image) {
    return (
      image.getAttribute("role") === DECORATIVE || (image.getAttribute("alt") || "").trim() !== ""
    )
  }

  function extendImageDialog(event) {
    if (event.data.name !== "image") {
      return
    }
    const editor = event.editor
    const text = labels(editor)
    const info = event.data.definition.getContents("info")
    const alt = info.get("txtAlt")
    if (!alt) {
      return
    }
    const help = {
      type: "html",
      id: "newsroomAltHelp",
      // The dialog gives the element its id.
      html: `<div class="newsroom-alt-help" aria-live="polite">${CKEDITOR.tools.htmlEncode(text.help)}</div>`,
      showProblem(problem) {
        const element = this.getElement()
        element.setText(problem ? text.missing : text.help)
        element[problem ? "addClass" : "removeClass"]("newsroom-alt-help--problem")
      },
    }
    const decorative = {
      type: "checkbox",
      id: "newsroomDecorative",
      label: text.decorative,
      default: false,
      setup(type, image) {
        if (type === IMAGE) {
          this.setValue(image.getAttribute("role") === DECORATIVE)
        }
      },
      onChange() {
        const field = this.getDialog().getContentElement("info", "txtAlt")
        if (this.getValue()) {
          field.setValue("")
          field.disable()
          this.getDialog().getContentElement("info", "newsroomAltHelp").showProblem(false)
        } else {
          field.enable()
        }
      },
      // After txtAlt's own commit, which sets alt to what was typed.
      commit(type, image) {
        if (type !== IMAGE) {
          return
        }
        if (this.getValue()) {
          image.setAttribute("role", DECORATIVE)
          image.setAttribute("alt", "")
        } else {
          image.removeAttribute("role")
        }
      },
    }
    alt.validate = function () {
      const dialog = this.getDialog()
      const described =
        dialog.getValueOf("info", "newsroomDecorative") || this.getValue().trim() !== ""
      dialog.getContentElement("info", "newsroomAltHelp").showProblem(!described)
      // false, not a message: the dialog focuses the field and marks it invalid, and the
      // message shows in the dialog rather than in the browser's alert box.
      return described
    }
    const onLoad = alt.onLoad
    alt.onLoad = function () {
      onLoad?.call(this)
      const note = this.getDialog().getContentElement("info", "newsroomAltHelp")
      this.getInputElement().setAttribute("aria-describedby", note.domId)
    }
    const at = info.elements.indexOf(alt)
    info.elements.splice(at + 1, 0, help, decorative)
    // The preview is a link around a picture without text: give it a name, and keep it out
    // of the way of the keyboard (it goes nowhere).
    const definition = event.data.definition
    const onShow = definition.onShow
    definition.onShow = function (...args) {
      onShow?.apply(this, args)
      const link = this.getElement().findOne(".ImagePreviewBox a")
      if (link) {
        link.setAttribute("aria-label", editor.lang.common.preview)
        link.setAttribute("tabindex", "-1")
      }
    }
    if (window.matchMedia(NARROW).matches) {
      // On a phone the dialog fits the screen: no preview (admin.css), no minimum width.
      definition.minWidth = 0
    }
  }

  // Pictures just uploaded wait here for the dialog, one at a time.
  function describeNewPictures(editor) {
    const waiting = []
    let asking = null

    function next() {
      if (CKEDITOR.dialog.getCurrent()) {
        return // asked again when that dialog closes
      }
      const editable = editor.editable()
      let image = waiting.shift()
      while (image && !(editable.contains(image) && !isDescribed(image))) {
        image = waiting.shift()
      }
      if (image) {
        asking = image
        editor.focus()
        editor.getSelection().selectElement(image)
        editor.execCommand("image")
      }
    }

    function caretAfter(image) {
      // The dialog leaves the picture selected: typing on would replace it.
      if (editor.editable().contains(image)) {
        const range = editor.createRange()
        range.moveToPosition(image, CKEDITOR.POSITION_AFTER_END)
        editor.getSelection().selectRanges([range])
      }
    }

    function uploaded(url) {
      for (const image of editor.editable().find("img").toArray()) {
        if (image.getAttribute("src") === url && !isDescribed(image)) {
          waiting.push(image)
        }
      }
      next()
    }

    editor.on("dialogHide", () => {
      if (asking) {
        const image = asking
        asking = null
        window.setTimeout(() => caretAfter(image), 0)
      }
      window.setTimeout(next, 0)
    })
    editor.uploadRepository.on("instanceCreated", (event) => {
      const loader = event.data
      // Priority 999: after the upload widget (pasted, dropped) or the "Upload image" button
      // has put the picture in the text.
      loader.on(
        "update",
        () => {
          if (loader.status === "uploaded") {
            window.setTimeout(() => uploaded(loader.url), 0)
          }
        },
        null,
        null,
        999,
      )
    })
  }

  function prepare(editor) {
    if (editor.newsroomAltText) {
      return
    }
    editor.newsroomAltText = true
    if (editor.uploadRepository) {
      describeNewPictures(editor)
    } else {
      editor.on("pluginsLoaded", () => editor.uploadRepository && describeNewPictures(editor))
    }
  }

  function setUp() {
    if (!window.CKEDITOR || CKEDITOR.newsroomAltText) {
      return
    }
    CKEDITOR.newsroomAltText = true
    CKEDITOR.on("dialogDefinition", extendImageDialog)
    CKEDITOR.on("instanceCreated", (event) => prepare(event.editor))
    for (const name in CKEDITOR.instances) {
      prepare(CKEDITOR.instances[name])
    }
  }

  if (window.CKEDITOR) {
    setUp()
  } else {
    document.addEventListener("DOMContentLoaded", setUp)
  }
})()
