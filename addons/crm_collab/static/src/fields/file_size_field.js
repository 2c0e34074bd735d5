/** @odoo-module **/
import {Component, xml} from "@odoo/owl";
import {humanSize} from "@web/core/utils/binary";
import {registry} from "@web/core/registry";
import {standardFieldProps} from "@web/views/fields/standard_field_props";

// A size in bytes as people read it ("1.50 Mb"), in lists, cards and forms.
export class CrmCollabFileSizeField extends Component {
    static template = xml`<span t-esc="formatted"/>`;
    static props = {...standardFieldProps};

    get formatted() {
        const size = this.props.record.data[this.props.name];
        return size ? humanSize(size) : "";
    }
}

registry.category("fields").add("crm_collab_file_size", {
    component: CrmCollabFileSizeField,
    displayName: "File Size",
    supportedTypes: ["integer"],
});
